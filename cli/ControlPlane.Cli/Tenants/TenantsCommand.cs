using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ControlPlane.Cli.Contracts;
using ControlPlane.Cli.Output;
using Spectre.Console;

namespace ControlPlane.Cli.Tenants;

/// <summary><c>controlplane tenants ...</c>: onboard, list, inspect, follow and operate tenants.</summary>
internal static class TenantsCommand
{
    private const int MaxPageSize = 500;

    public static Command Create(CommandRunner runner)
    {
        var tenants = new Command("tenants", "Onboard, list, inspect and operate tenants") { List(runner), Get(runner), CreateTenant(runner), Watch(runner) };
        tenants.Aliases.Add("tenant");
        tenants.Add(Operate(runner, "retry", "Retry a Failed tenant's failed step now", canWait: true));
        tenants.Add(Operate(runner, "suspend", "Suspend an Active tenant: its role can no longer log in (a pooled tenant: its rows are hidden from the pooled data role)", canWait: false));
        tenants.Add(Operate(runner, "resume", "Resume a Suspended tenant, or a Retained one before its purge time", canWait: false));
        tenants.Add(Delete(runner));
        tenants.Add(Move(runner));
        tenants.Add(Clone(runner));
        tenants.Add(Import(runner));
        tenants.Add(Adopt(runner));
        tenants.Add(Label(runner));
        foreach (var command in BackupCommands.Create(runner))
        {
            tenants.Add(command);
        }

        return tenants;
    }

    private static Argument<string> SlugArgument() => new("slug") { Description = "The tenant's slug" };

    private static Command List(CommandRunner runner)
    {
        var state = new Option<string?>("--state") { Description = "Only tenants in this state (e.g. Failed, Active)" };
        var limit = new Option<int>("--limit")
        {
            Description = $"Tenants per page (1-{MaxPageSize})",
            DefaultValueFactory = _ => 50,
        };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > MaxPageSize)
            {
                r.AddError($"--limit must be between 1 and {MaxPageSize}.");
            }
        });
        var all = new Option<bool>("--all") { Description = "Follow the 'next' cursor through every page" };
        var after = new Option<string?>("--after") { Description = "Start after this cursor (the 'next' a previous page printed)" };
        var label = new Option<string[]>("--label", "-l")
        {
            Description = "Only tenants matching this label selector (plan=free, region!=us, tier in (gold,silver)); repeat: all must hold",
            HelpName = "selector",
        };
        var search = new Option<string?>("--search", "-q") { Description = "Only tenants whose slug or display name contains this text (any case)", HelpName = "text" };
        var version = new Option<int?>("--at-version") { Description = "Only tenants at this migration version (the API's version=)", HelpName = "version" };
        var tier = TierOption("Only tenants in this tier: schema (a schema of their own) or pooled (rows in the shared pooled schema)");
        var command = new Command("list", "List tenants by slug, a page at a time (or --all)") { state, limit, all, after, label, search, version, tier };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var items = new List<TenantSummaryResponse>();
            var json = new List<JsonElement>();
            var cursor = context.Get(after);
            do
            {
                var page = await context.Client.ListTenantsAsync(context.Get(state), context.Get(limit), cursor, cancellationToken, context.Get(label), context.Get(search), context.Get(version), context.Get(tier));
                items.AddRange(page.Value.Items);
                json.AddRange(page.Json.GetProperty("items").EnumerateArray());
                cursor = page.Value.Next;
            }
            while (cursor is not null && context.Get(all));

            if (context.Json)
            {
                context.WriteJson(JsonSerializer.SerializeToElement(new { items = json, next = cursor }, Http.CliJson.Api));
                return ExitCodes.Success;
            }

            context.Out.Write(TenantViews.List(items));
            context.Out.MarkupLineInterpolated($"{items.Count} tenant(s)");
            if (cursor is not null)
            {
                context.Out.MarkupLineInterpolated($"[grey]More: run with --all, or --after {cursor}[/]");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var slug = SlugArgument();
        var command = new Command("get", "A tenant's state, version, last error and timeline") { slug };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var tenant = await context.Client.GetTenantAsync(context.Get(slug), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(tenant.Json);
            }
            else
            {
                TenantViews.Details(context.Out, tenant.Value);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateTenant(CommandRunner runner)
    {
        var slug = SlugArgument();
        var name = new Option<string>("--name", "-n") { Description = "The display name (shown to people; the seed data uses it)", Required = true };
        var wait = new Option<bool>("--wait") { Description = "Follow provisioning until the tenant is Active (or failed for good)" };
        var labels = LabelOption("A label to start with, key=value (repeat: --label plan=free --label region=eu)");
        var tier = TierOption("The tier: schema (its own schema and role) or pooled (its rows in the shared pooled schema, under row-level security). Default: the server's ControlPlane:Tenants:DefaultTier");
        var timeout = TimeoutOption.Create();
        var command = new Command("create", "Onboard a tenant: its schema (or its rows in the pooled schema), migrations, seed data and role") { slug, name, wait, labels, tier, timeout };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var given = context.Get(labels) is { Count: > 0 } set ? set : null;
            var created = await context.Client.CreateTenantAsync(new CreateTenantRequest(context.Get(slug), context.Get(name)!, given, Tier: context.Get(tier)), cancellationToken);
            if (context.Get(wait))
            {
                return await new TenantFollower(context).FollowAsync(created, context.Get(timeout), cancellationToken);
            }

            if (context.Json)
            {
                context.WriteJson(created.Json);
            }
            else
            {
                var tenant = created.Value;
                var what = created.Status == HttpStatusCode.Accepted ? "accepted" : "already exists";
                context.Out.MarkupLine($"Tenant [bold]{Markup.Escape(tenant.Slug)}[/] {what}: {StateMarkup.Tenant(tenant.State)}.");
                context.Out.MarkupLineInterpolated($"[grey]Follow it: controlplane tenants watch {tenant.Slug}[/]");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Clone(CommandRunner runner)
    {
        var source = new Argument<string>("source") { Description = "The Active tenant to copy" };
        var slug = new Argument<string>("new-slug") { Description = "The new tenant's slug" };
        var name = new Option<string?>("--display-name") { Description = "The new tenant's display name (default: the new slug)" };
        var wait = new Option<bool>("--wait") { Description = "Follow provisioning until the clone is Active (or failed for good)" };
        var timeout = TimeoutOption.Create();
        var command = new Command("clone", "Create a tenant whose data is a consistent copy of another's (its own schema, role and grants)") { source, slug, name, wait, timeout };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var newSlug = context.Get(slug)!;
            var body = new CreateTenantRequest(newSlug, context.Get(name) ?? newSlug, CloneFrom: context.Get(source));
            var created = await context.Client.CreateTenantAsync(body, cancellationToken);
            return await ReportCreatedAsync(context, created, context.Get(wait), context.Get(timeout), cancellationToken);
        }));
        return command;
    }

    private static Command Import(CommandRunner runner)
    {
        var slug = SlugArgument();
        var schema = new Option<string>("--schema") { Description = "The existing schema to copy the model's tables from (only read)", Required = true };
        var name = new Option<string?>("--display-name") { Description = "The new tenant's display name (default: the slug)" };
        var wait = new Option<bool>("--wait") { Description = "Follow provisioning until the tenant is Active (or failed for good)" };
        var timeout = TimeoutOption.Create();
        var command = new Command("import", "Create a tenant from the model's tables in an existing schema of the same database (refused, with the differences, when they do not match)") { slug, schema, name, wait, timeout };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var newSlug = context.Get(slug)!;
            var body = new CreateTenantRequest(newSlug, context.Get(name) ?? newSlug, ImportFrom: new ImportFromRequest(context.Get(schema)!));
            var created = await context.Client.CreateTenantAsync(body, cancellationToken);
            return await ReportCreatedAsync(context, created, context.Get(wait), context.Get(timeout), cancellationToken);
        }));
        return command;
    }

    private static Command Adopt(CommandRunner runner)
    {
        var slug = SlugArgument();
        var schema = new Option<string>("--schema") { Description = "The existing schema (renamed to tenant_<slug>; its data is not moved)", Required = true };
        var baseline = new Option<int>("--baseline-version") { Description = "The catalogue version the schema is at (its structure must be what versions 1..N produce)", Required = true };
        var name = new Option<string?>("--display-name") { Description = "The tenant's display name (default: the slug)" };
        var wait = new Option<bool>("--wait") { Description = "Follow the tenant until it is Active" };
        var timeout = TimeoutOption.Create();
        var command = new Command("adopt", "Register a schema another tool created as a tenant at a baseline version (refused, with the differences, when its structure differs)") { slug, schema, baseline, name, wait, timeout };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var newSlug = context.Get(slug)!;
            var body = new AdoptTenantRequest(newSlug, context.Get(name) ?? newSlug, context.Get(schema)!, context.Get(baseline));
            var adopted = await context.Client.AdoptTenantAsync(body, cancellationToken);
            return await ReportCreatedAsync(context, adopted, context.Get(wait), context.Get(timeout), cancellationToken);
        }));
        return command;
    }

    private static async Task<int> ReportCreatedAsync(CommandContext context, Http.ApiResult<TenantResponse> created, bool wait, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (wait)
        {
            return await new TenantFollower(context).FollowAsync(created, timeout, cancellationToken);
        }

        if (context.Json)
        {
            context.WriteJson(created.Json);
        }
        else
        {
            var tenant = created.Value;
            var what = created.Status == HttpStatusCode.OK ? "already exists" : "accepted";
            context.Out.MarkupLine($"Tenant [bold]{Markup.Escape(tenant.Slug)}[/] {what}: {StateMarkup.Tenant(tenant.State)}.");
            context.Out.MarkupLineInterpolated($"[grey]Follow it: controlplane tenants watch {tenant.Slug}[/]");
        }

        return ExitCodes.Success;
    }

    private static Command Watch(CommandRunner runner)
    {
        var slug = SlugArgument();
        var timeout = TimeoutOption.Create();
        var command = new Command(
            "watch",
            $"Follow a tenant live until it is Active, Suspended, Deleted, or Failed with no retry left (exit {ExitCodes.TenantFailed})") { slug, timeout };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var tenant = await context.Client.GetTenantAsync(context.Get(slug), cancellationToken);
            return await new TenantFollower(context).FollowAsync(tenant, context.Get(timeout), cancellationToken);
        }));
        return command;
    }

    private static Command Operate(CommandRunner runner, string action, string description, bool canWait)
    {
        var slug = SlugArgument();
        var wait = new Option<bool>("--wait") { Description = "Follow the tenant until its state is settled" };
        var timeout = TimeoutOption.Create();
        var command = new Command(action, description) { slug };
        if (canWait)
        {
            command.Add(wait);
            command.Add(timeout);
        }

        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var tenant = await context.Client.ActOnTenantAsync(context.Get(slug), action, cancellationToken);
            return await ReportAsync(context, tenant, canWait && context.Get(wait), context.Get(timeout), cancellationToken);
        }));
        return command;
    }

    private static Command Delete(CommandRunner runner)
    {
        var slug = SlugArgument();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation on a terminal" };
        var wait = new Option<bool>("--wait") { Description = "Follow the tenant until it is Deleted (or Retained)" };
        var retainFor = new Option<string?>("--retain-for")
        {
            Description = "Keep the tenant Retained (Final backup taken, unable to serve, resumable) for this ISO 8601 duration before it is purged, e.g. P30D; 0 deletes at once. Default: the server's ControlPlane:Tenants:DeleteRetention",
            HelpName = "duration",
        };
        var timeout = TimeoutOption.Create();
        var command = new Command("delete", "Deprovision a tenant: drops its schema and role (a pooled tenant: deletes its rows), keeps its history; --retain-for keeps it resumable until a purge time (schema tier only)") { slug, yes, retainFor, wait, timeout };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var target = context.Get(slug);
            var period = context.Get(retainFor);
            var question = period is null or "0"
                ? $"Drop tenant [bold]{Markup.Escape(target)}[/]'s schema and role? Its data is gone for good."
                : $"Delete tenant [bold]{Markup.Escape(target)}[/], purging it after {Markup.Escape(period)}? It stops serving now.";
            if (context.Host.CanPrompt && !context.Get(yes)
                && !await new ConfirmationPrompt(question) { DefaultValue = false }
                    .ShowAsync(context.Out, cancellationToken))
            {
                context.Error.MarkupLine("Nothing deleted.");
                return ExitCodes.Interrupted;
            }

            var tenant = await context.Client.DeleteTenantAsync(target, cancellationToken, period);
            return await ReportAsync(context, tenant, context.Get(wait), context.Get(timeout), cancellationToken);
        }));
        return command;
    }

    private static Command Move(CommandRunner runner)
    {
        var slug = SlugArgument();
        var tier = new Option<string>("--tier")
        {
            Description = "The tier to move to: schema (its own schema and role) or pooled (rows in the shared tables under row-level security)",
            Required = true,
        };
        tier.AcceptOnlyFromAmong("schema", "pooled");
        var command = new Command(
            "move",
            "Move an Active tenant to the other tier: the target is prepared, the rows copied and verified, routing switched (writes get 503 meanwhile), then the source removed")
        { slug, tier };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var moved = await context.Client.MoveTenantAsync(context.Get(slug), context.Get(tier)!, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(moved.Json);
                return ExitCodes.Success;
            }

            var tenant = moved.Value;
            context.Out.MarkupLine(tenant.Move is { } move
                ? $"Tenant [bold]{Markup.Escape(tenant.Slug)}[/] is moving to the {Markup.Escape(move.Tier)} tier ({Markup.Escape(move.Phase)})."
                : $"Tenant [bold]{Markup.Escape(tenant.Slug)}[/] is in the {Markup.Escape(tenant.Tier)} tier already.");
            context.Out.MarkupLineInterpolated($"[grey]Follow it: controlplane tenants get {tenant.Slug}[/]");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Label(CommandRunner runner)
    {
        var slug = SlugArgument();
        var changes = new Argument<Dictionary<string, string?>>("change")
        {
            Description = "key=value sets a label, key- removes it (e.g. plan=enterprise region-)",
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result => LabelChanges.Parse(result, removals: true),
        };
        var command = new Command("label", "Set or remove a tenant's labels (the rest stay as they are)") { slug, changes };
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var tenant = await context.Client.UpdateTenantLabelsAsync(context.Get(slug), new UpdateTenantRequest(context.Get(changes)), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(tenant.Json);
            }
            else
            {
                context.Out.MarkupLine(
                    $"Tenant [bold]{Markup.Escape(tenant.Value.Slug)}[/] labels: {Markup.Escape(TenantViews.Labels(tenant.Value.Labels))} (ETag {tenant.Value.Etag.ToString(CultureInfo.InvariantCulture)}).");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// <c>--tier schema|pooled</c>, passed through as given: the server is the one judge of tiers, and its 400 names
    /// the field (so a server with more tiers needs no new CLI).
    /// </summary>
    private static Option<string?> TierOption(string description) => new("--tier") { Description = description, HelpName = "schema|pooled" };

    private static Option<Dictionary<string, string?>> LabelOption(string description) => new("--label", "-l")
    {
        Description = description,
        HelpName = "key=value",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.OneOrMore,
        CustomParser = result => LabelChanges.Parse(result, removals: false),
    };

    private static async Task<int> ReportAsync(
        CommandContext context, Http.ApiResult<TenantResponse> tenant, bool wait, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (wait)
        {
            return await new TenantFollower(context).FollowAsync(tenant, timeout, cancellationToken);
        }

        if (context.Json)
        {
            context.WriteJson(tenant.Json);
        }
        else
        {
            context.Out.MarkupLine(
                $"Tenant [bold]{Markup.Escape(tenant.Value.Slug)}[/] is {StateMarkup.Tenant(tenant.Value.State)} (ETag {tenant.Value.Etag.ToString(CultureInfo.InvariantCulture)}){TenantViews.PurgeNote(tenant.Value)}.");
        }

        return ExitCodes.Success;
    }
}
