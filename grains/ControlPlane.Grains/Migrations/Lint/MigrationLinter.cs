using System.Text.RegularExpressions;
using ControlPlane.Registry.Contracts.Migrations;

namespace ControlPlane.Grains.Migrations.Lint;

/// <summary>
/// Reads the catalogue's files in version order, statement by statement, and reports what would lock, rewrite, fail on
/// or break a live tenant (rules: <see cref="LintRules"/>). Pure: the same files always give the same findings.
/// </summary>
public static partial class MigrationLinter
{
    /// <summary>The findings of each file, by version; a file with none has an empty list.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<LintFinding>> Lint(IEnumerable<MigrationScript> scripts)
    {
        var scope = new LintScope();
        var byVersion = new Dictionary<int, IReadOnlyList<LintFinding>>();
        foreach (var script in scripts.OrderBy(s => s.Version))
        {
            byVersion[script.Version] = LintFile(script, scope);
        }

        return byVersion;
    }

    private static List<LintFinding> LintFile(MigrationScript script, LintScope scope)
    {
        scope.BeginFile(script.FileName);
        var masked = new MaskedScript(script.Sql);
        var findings = new List<LintFinding>();
        foreach (var statement in masked.Statements)
        {
            var found = new LintSink(scope.File, masked, statement.Offset, findings);
            LintStatement(statement.Text, scope, script.Transactional, found);
        }

        if (!script.Transactional && masked.Statements.Count > 1)
        {
            var concurrently = masked.Statements.Any(s => Concurrently().IsMatch(s.Text));
            findings.Add(LintRules.NonTransactionalMixed.At(
                scope.File,
                masked.LineAt(masked.Statements[1].Offset),
                $"This -- controlplane:no-transaction file holds {masked.Statements.Count} statements"
                + (concurrently ? ", mixing CONCURRENTLY with others" : string.Empty)
                + ": a failure part-way leaves the earlier ones applied, and a retry runs the whole file again.",
                "Give each statement its own file; keep the no-transaction marker only on a file holding one CREATE INDEX CONCURRENTLY IF NOT EXISTS."));
        }

        return [.. findings.OrderBy(f => f.Line)];
    }

    private static void LintStatement(string sql, LintScope scope, bool transactional, LintSink found)
    {
        if (transactional && Concurrently().Match(sql) is { Success: true } concurrently)
        {
            found.Add(
                LintRules.NonTransactionalMixed, concurrently.Index,
                "CONCURRENTLY cannot run inside a transaction block: PostgreSQL refuses it, so this file fails on every tenant.",
                "Move the statement alone into its own file whose first line is -- controlplane:no-transaction.",
                LintSeverity.Error);
        }

        if (CreateTable().Match(sql) is { Success: true } create)
        {
            scope.Created(SqlNames.Normalize(create.Groups["table"].Value));
        }
        else if (CreateIndex().Match(sql) is { Success: true } index)
        {
            var table = SqlNames.Normalize(index.Groups["table"].Value);
            if (!index.Groups["concurrently"].Success && !scope.IsNewInFile(table))
            {
                var name = index.Groups["name"].Success ? index.Groups["name"].Value + " " : string.Empty;
                found.Add(
                    LintRules.CreateIndexNotConcurrently, index.Index,
                    $"CREATE INDEX on existing table {table} without CONCURRENTLY blocks its writes (SHARE lock) until the index is built.",
                    $"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name}ON {table} (...), alone in a file whose first line is -- controlplane:no-transaction.");
            }
        }
        else if (DropTable().Match(sql) is { Success: true } drop)
        {
            foreach (Match name in QualifiedName().Matches(drop.Groups["tables"].Value))
            {
                var table = SqlNames.Normalize(name.Value);
                if (!scope.IsNewInFile(table))
                {
                    found.Add(
                        LintRules.DropTable, drop.Index,
                        $"DROP TABLE {table} breaks the application version still running while tenants migrate (it reads {table}).",
                        $"Release an application version that no longer uses {table} first; drop it in a later rollout, accepting drop-table.");
                }

                scope.Dropped(table);
            }
        }
        else if (AlterTable().Match(sql) is { Success: true } alter)
        {
            AlterTableRules.Lint(
                SqlNames.Normalize(alter.Groups["table"].Value), alter.Groups["actions"].Value, alter.Groups["actions"].Index, scope, found);
        }
    }

    [GeneratedRegex(@"^(?:CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX\b.*?)\s+CONCURRENTLY\b", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Concurrently();

    [GeneratedRegex(@"^CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?<table>" + SqlNames.Qualified + ")", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?<concurrently>CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:(?<name>" + SqlNames.Qualified + @")\s+)?ON\s+(?:ONLY\s+)?(?<table>" + SqlNames.Qualified + ")", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex CreateIndex();

    [GeneratedRegex(@"^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?<tables>" + SqlNames.Qualified + @"(?:\s*,\s*" + SqlNames.Qualified + ")*)", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex DropTable();

    [GeneratedRegex(@"^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?<table>" + SqlNames.Qualified + @")(?:\s*\*)?\s+(?<actions>\S.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex AlterTable();

    [GeneratedRegex(SqlNames.Qualified, RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedName();
}
