using Npgsql;

namespace ControlPlane.Grains.Migrations;

/// <summary>A migration file failed; the message names the file and PostgreSQL's error.</summary>
public sealed class MigrationFailedException(MigrationScript script, PostgresException inner)
    : Exception($"{script.FileName}: {inner.SqlState}: {inner.MessageText}{(inner.Detail is { } d ? $" ({d})" : "")}", inner)
{
    public MigrationScript Script { get; } = script;
}
