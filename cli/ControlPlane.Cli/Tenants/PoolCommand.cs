using System.CommandLine;
using Spectre.Console;

namespace ControlPlane.Cli.Tenants;

/// <summary><c>controlplane pool</c>: the warm pool's size, ready schemas and refilling.</summary>
internal static class PoolCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command(
            "pool",
            "The warm pool onboarding claims schemas from (ControlPlane:Tenants:WarmPoolSize): size, ready to claim, being built, stale awaiting replacement");
        command.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var pool = await context.Client.GetPoolAsync(cancellationToken);
            if (context.Json)
            {
                context.WriteJson(pool.Json);
                return ExitCodes.Success;
            }

            var p = pool.Value;
            context.Out.MarkupLineInterpolated(
                $"Warm pool: size [bold]{p.Size}[/], ready [green]{p.Ready}[/], refilling [yellow]{p.Refilling}[/], stale [grey]{p.Stale}[/] (catalogue V{p.CatalogueVersion:0000})");
            if (p.Size == 0)
            {
                context.Out.MarkupLine("[grey]No pool configured: every onboarding builds its schema.[/]");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
