using System.CommandLine;
using ControlPlane.Cli.Output;

namespace ControlPlane.Cli.Migrations;

/// <summary><c>controlplane migrations list</c>: the catalogue, where the tenants stand, and each file's lint findings.</summary>
internal static class MigrationsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var list = new Command("list", "The migration catalogue (version, name, checksum, lint findings with the safe form) and how many tenants are at each version");
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
