using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using ControlPlane.Cli.Audit;
using ControlPlane.Cli.Migrations;
using ControlPlane.Cli.Pooled;
using ControlPlane.Cli.Rollouts;
using ControlPlane.Cli.Tenants;
using ControlPlane.Cli.Webhooks;

namespace ControlPlane.Cli;

/// <summary>The <c>controlplane</c> command tree, run against a <see cref="CliHost"/> (the process, or a test).</summary>
internal static class ControlPlaneCli
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliHost host, CancellationToken cancellationToken = default)
    {
        var parse = Build(host).Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = host.Out,
            Error = host.Error,
            ProcessTerminationTimeout = host.HandlesTermination ? TimeSpan.FromSeconds(2) : null,
        };
        var exitCode = await parse.InvokeAsync(invocation, cancellationToken);
        return parse.Action is ParseErrorAction ? ExitCodes.Usage : exitCode;
    }

    public static RootCommand Build(CliHost host)
    {
        var globals = new GlobalOptions();
        var runner = new CommandRunner(host, globals);
        var root = new RootCommand("controlplane: onboard and operate tenants, and roll migrations out to them, through the control plane's HTTP API.")
        {
            TenantsCommand.Create(runner),
            MigrationsCommand.Create(runner),
            RolloutsCommand.Create(runner),
            AuditCommand.Create(runner),
            PoolCommand.Create(runner),
            WebhooksCommand.Create(runner),
            PooledCommand.Create(runner),
        };
        globals.AddTo(root);
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExitCodesHelpAction((HelpAction)help.Action!);
        return root;
    }

    /// <summary>The standard help; the root's is followed by the exit codes (so scripts can rely on them).</summary>
    private sealed class ExitCodesHelpAction(HelpAction help) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var result = help.Invoke(parseResult);
            if (parseResult.CommandResult.Command is not RootCommand)
            {
                return result;
            }

            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Exit codes:");
            foreach (var (code, meaning) in ExitCodes.All)
            {
                output.WriteLine($"  {code,-5}{meaning}");
            }

            output.WriteLine();
            return result;
        }
    }
}
