using System.Collections.Frozen;
using ControlPlane.Registry.Contracts.Migrations;

namespace ControlPlane.Grains.Migrations.Lint;

/// <summary>
/// Every lint rule, the one home of their ids and severities (each with a bad and a safe example in docs/rollouts.md).
/// Errors lock or rewrite a live tenant's table, fail on tenants that have data, or break the application version
/// still running; warnings only ask for care.
/// </summary>
public static class LintRules
{
    public static readonly LintRule CreateIndexNotConcurrently = new(
        "create-index-not-concurrently", LintSeverity.Error, "CREATE INDEX takes a SHARE lock: the table accepts no writes until the index is built.");

    public static readonly LintRule AddColumnNotNullNoDefault = new(
        "add-column-not-null-no-default", LintSeverity.Error, "A NOT NULL column without a default cannot be added to a table that has rows: the migration fails for every tenant with data.");

    public static readonly LintRule AddColumnVolatileDefault = new(
        "add-column-volatile-default", LintSeverity.Error, "A volatile default (clock_timestamp(), random(), gen_random_uuid(), nextval, serial, identity) rewrites the table under an ACCESS EXCLUSIVE lock; a constant or stable one (now()) does not, since PostgreSQL 11.");

    public static readonly LintRule AlterColumnType = new(
        "alter-column-type", LintSeverity.Error, "ALTER COLUMN ... TYPE rewrites the table (and its indexes) under an ACCESS EXCLUSIVE lock, unless the types are binary-coercible.");

    public static readonly LintRule SetNotNullWithoutCheck = new(
        "set-not-null-without-check", LintSeverity.Error, "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock unless a validated CHECK (col IS NOT NULL) already proves it.");

    public static readonly LintRule AddConstraintWithoutNotValid = new(
        "add-constraint-without-not-valid", LintSeverity.Error, "ADD FOREIGN KEY or CHECK validates every row while it holds its lock; NOT VALID then VALIDATE CONSTRAINT does the scan under a lock that lets reads and writes on.");

    public static readonly LintRule DropTable = new(
        "drop-table", LintSeverity.Error, "The application version still running during the rollout reads the table.");

    public static readonly LintRule DropColumn = new(
        "drop-column", LintSeverity.Error, "The application version still running during the rollout reads or writes the column.");

    public static readonly LintRule RenameTable = new(
        "rename-table", LintSeverity.Error, "The application version still running during the rollout uses the old name.");

    public static readonly LintRule RenameColumn = new(
        "rename-column", LintSeverity.Error, "The application version still running during the rollout uses the old name.");

    public static readonly LintRule NonTransactionalMixed = new(
        "non-transactional-mixed", LintSeverity.Warning, "A no-transaction file with several statements keeps those before a failure applied, and is re-run whole when retried. "
        + "CONCURRENTLY in a transactional file is an error: PostgreSQL refuses it inside a transaction, so the file fails on every tenant.");

    /// <summary>Every rule, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<LintRule> All =
    [
        CreateIndexNotConcurrently, AddColumnNotNullNoDefault, AddColumnVolatileDefault, AlterColumnType, SetNotNullWithoutCheck,
        AddConstraintWithoutNotValid, DropTable, DropColumn, RenameTable, RenameColumn, NonTransactionalMixed,
    ];

    public static readonly FrozenDictionary<string, LintRule> ById = All.ToFrozenDictionary(r => r.Id, StringComparer.Ordinal);
}
