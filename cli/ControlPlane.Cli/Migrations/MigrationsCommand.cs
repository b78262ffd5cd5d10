using System.CommandLine;
using ControlPlane.Cli.Output;

namespace ControlPlane.Cli.Migrations;

/// <summary><c>controlplane migrations list</c>: the catalogue and where the tenants stand.</summary>
internal static class MigrationsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var list = new Command("list", "The migration catalogue (version, name, checksum) and how many tenants are at each version");
        list.SetAction(runner.Action(async (context, cancellationToken) =>
        {
            var catalogue = await context.Client.ListMigrationsAsync(cancellationToken);
            if (context.Json)
            {
                context.WriteJson(catalogue.Json);
            }
            else
            {
                MigrationViews.Catalogue(context.Out, catalogue.Value);
            }

            return ExitCodes.Success;
        }));
        var migrations = new Command("migrations", "The tenant migration catalogue") { list };
        migrations.Aliases.Add("migration");
        return migrations;
    }
}
