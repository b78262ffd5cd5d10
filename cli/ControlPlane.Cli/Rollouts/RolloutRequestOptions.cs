using System.CommandLine;
using ControlPlane.Cli.Contracts;

namespace ControlPlane.Cli.Rollouts;

/// <summary>The options that make a rollout's body, shared by <c>rollout plan</c> and <c>rollout start</c> so both send the same.</summary>
internal sealed class RolloutRequestOptions
{
    private readonly Option<int?> _target = new("--target") { Description = "Migration version to reach (default: the newest)", HelpName = "version" };

    private readonly Option<int?> _maxParallel = new("--max-parallel") { Description = "Tenants migrated at once (default: the silo's connection budget)", HelpName = "n" };

    private readonly Option<List<RolloutWaveRequest>> _waves = new("--wave")
    {
        Description = "A wave, in order: name:size, name:selector (free-eu:plan=free,region=eu), name:selector:size, or a name alone for the last (it takes the rest). Repeat: --wave canary:20 --wave eu:region=eu --wave rest",
        HelpName = "name[:selector][:size]",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
        CustomParser = result =>
        {
            var parsed = new List<RolloutWaveRequest>();
            foreach (var token in result.Tokens)
            {
                if (!WaveSpec.TryParse(token.Value, out var wave, out var error))
                {
                    result.AddError(error);
                    return null;
                }

                parsed.Add(wave);
            }

            return parsed;
        },
    };

    private readonly Option<double?> _threshold = new("--failure-threshold")
    {
        Description = "Share of a wave that may fail before the rollout halts: a fraction (0.02) or a percentage (2%); default 0",
        HelpName = "fraction",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (FailureThreshold.TryParse(text, out var fraction))
            {
                return fraction;
            }

            result.AddError($"'{text}' is not a fraction (0.02) or a percentage (2%).");
            return null;
        },
    };

    private readonly Option<string?> _notBefore = new("--not-before")
    {
        Description = "Start no earlier than this time, ISO 8601 with an offset (2026-12-24T02:00:00Z); Scheduled until then (at most a year ahead)",
        HelpName = "time",
    };

    private readonly Option<string[]?> _acceptLint = new("--accept-lint")
    {
        Description = "Lint rules whose error-level findings in the pending migrations may go ahead, comma-separated (drop-column,rename-column); see: controlplane migrations list",
        HelpName = "rule1,rule2",
        CustomParser = result => [.. result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
    };

    private readonly Option<string?> _lockTimeout = new("--lock-timeout")
    {
        Description = "How long each tenant DDL statement waits for a lock before its migration is tried again (500ms, 1s, PT1S; default: the deployment's, 1s)",
        HelpName = "duration",
    };

    private readonly Option<string?> _statementTimeout = new("--statement-timeout")
    {
        Description = "How long each tenant DDL statement may run before the tenant fails (30s, 2min; default: the deployment's, none)",
        HelpName = "duration",
    };

    private readonly Option<List<MaintenanceWindowRequest>> _windows = new("--window")
    {
        Description = "Dispatch tenants only inside this weekly window: [days] HH:mm-HH:mm [IANA zone], days like Mon-Fri, Sat,Sun or * (default every day, UTC); "
            + "a 'to' at or before 'from' crosses midnight. Outside every window the rollout is WaitingForWindow. Repeat for more: --window \"Mon-Fri 01:00-05:00 UTC\"",
        HelpName = "window",
        Arity = ArgumentArity.OneOrMore,
        CustomParser = result =>
        {
            var parsed = new List<MaintenanceWindowRequest>();
            foreach (var token in result.Tokens)
            {
                if (!WindowSpec.TryParse(token.Value, out var window, out var error))
                {
                    result.AddError(error);
                    return null;
                }

                parsed.Add(window);
            }

            return parsed;
        },
    };

    public void AddTo(Command command)
    {
        command.Add(_target);
        command.Add(_maxParallel);
        command.Add(_waves);
        command.Add(_threshold);
        command.Add(_notBefore);
        command.Add(_acceptLint);
        command.Add(_lockTimeout);
        command.Add(_statementTimeout);
        command.Add(_windows);
    }

    public CreateRolloutRequest Request(CommandContext context)
    {
        // No --wave leaves the waves to the server (one wave), rather than asking for none.
        var waves = context.Get(_waves) is { Count: > 0 } given ? given : null;
        return new CreateRolloutRequest(context.Get(_target), context.Get(_maxParallel), waves, context.Get(_threshold), context.Get(_notBefore), context.Get(_acceptLint) is { Length: > 0 } accepted ? accepted : null)
        {
            LockTimeout = context.Get(_lockTimeout),
            StatementTimeout = context.Get(_statementTimeout),
            Windows = context.Get(_windows) is { Count: > 0 } windows ? windows : null,
        };
    }
}
