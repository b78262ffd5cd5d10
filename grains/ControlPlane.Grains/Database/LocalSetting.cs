using Npgsql;

namespace ControlPlane.Grains.Database;

/// <summary>
/// A transaction-local setting (<c>set_config(name, value, true)</c>). Several are folded into a statement the batch
/// sends anyway: a rollout pays every statement once per tenant, in PostgreSQL's protocol handling and Npgsql's.
/// </summary>
/// <param name="Name">The setting's name, one of ours (never user input); sent as a quoted literal.</param>
/// <param name="Value">Its value, sent as a parameter.</param>
public sealed record LocalSetting(string Name, string Value)
{
    /// <summary>The settings as select-list columns, their values in parameters from <c>$firstParameter</c> on.</summary>
    public static string Columns(IReadOnlyList<LocalSetting> settings, int firstParameter) =>
        string.Join(", ", settings.Select((s, i) => $"pg_catalog.set_config({PgIdentifier.Literal(s.Name)}, ${firstParameter + i}, true)"));

    /// <summary>Appends the settings' values to <paramref name="command"/>'s parameters, in order.</summary>
    public static void AddParameters(NpgsqlBatchCommand command, IReadOnlyList<LocalSetting> settings)
    {
        foreach (var setting in settings)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = setting.Value });
        }
    }
}
