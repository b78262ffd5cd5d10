using System.CommandLine;
using ControlPlane.Cli.Http;
using ControlPlane.Cli.Output;
using Spectre.Console;

namespace ControlPlane.Cli.Pooled;

/// <summary><c>controlplane pooled policies [enforce|shadow]</c>: the pooled tier's row-level security and its mode.</summary>
internal static class PooledCommand
{
    public static Command Create(CommandRunner runner)
    {
        var policies = new Command(
            "policies",
            "Per pooled table: tenant_id, isolation policy, row-level security enabled and forced, an index leading with tenant_id; and the mode (enforced or shadow)")
        {
            Switch(runner, "enforce", "Enable and force row-level security on every pooled table; refused (exit 6), changing nothing, when a table is not ready"),
            Switch(runner, "shadow", "Keep the policies but disable row-level security: isolation then rests on the data API's own tenant filter alone"),
        };
        policies.SetAction(runner.Action(async (context, cancellationToken) =>
            Show(context, await context.Client.GetPooledPoliciesAsync(cancellationToken))));
        return new Command("pooled", "The pooled tier: tenants in shared tables under row-level security (docs/tiers.md)") { policies };
    }

    private static Command Switch(CommandRunner runner, string mode, string description)
    {
        var command = new Command(mode, description + ". Makes the pooled schema first if no pooled tenant has yet; running it again changes nothing");
        command.SetAction(runner.Action(async (context, cancellationToken) =>
            Show(context, await context.Client.SwitchPooledPoliciesAsync(mode, cancellationToken))));
        return command;
    }

    private static int Show(CommandContext context, ApiResult<Contracts.PooledPoliciesResponse> answer)
    {
        if (context.Json)
        {
            context.WriteJson(answer.Json);
            return ExitCodes.Success;
        }

        var p = answer.Value;
        var change = p.Changed switch
        {
            true => $" (was {p.Previous})",
            false => " (unchanged)",
            null => string.Empty,
        };
        context.Out.MarkupLineInterpolated($"Pooled schema [bold]{p.Schema}[/] (V{p.MigrationVersion:0000}): mode [bold]{p.Mode}[/]{change}");
        context.Out.Write(PooledViews.Policies(p.Tables));
        if (p.Mode == "shadow")
        {
            context.Out.MarkupLineInterpolated($"[yellow]{p.Isolation}[/]");
        }
        else
        {
            context.Out.MarkupLineInterpolated($"{p.Isolation}");
        }
        if (!p.Ready)
        {
            context.Out.MarkupLine("[red]Not ready for enforced: see the Not ready column.[/]");
        }

        return ExitCodes.Success;
    }
}
