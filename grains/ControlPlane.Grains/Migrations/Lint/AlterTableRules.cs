using System.Text.RegularExpressions;

namespace ControlPlane.Grains.Migrations.Lint;

/// <summary>The rules on <c>ALTER TABLE</c>: each comma-separated action of the statement is read on its own.</summary>
public static partial class AlterTableRules
{
    // Volatile functions as PostgreSQL 15 marks them (pg_proc.provolatile = 'v'): a default calling one is evaluated
    // per row, so ADD COLUMN rewrites the table. now(), current_timestamp and statement_timestamp() are STABLE and are
    // stored once as the "missing value" (PostgreSQL 11+), like a constant.
    private const string VolatileFunctions = "clock_timestamp|random|gen_random_uuid|uuid_generate_v1|uuid_generate_v1mc|uuid_generate_v4|timeofday|nextval|txid_current|pg_current_xact_id";

    /// <summary>Lints the actions of <c>ALTER TABLE <paramref name="table"/></c>; <paramref name="offset"/> is where they start in the statement.</summary>
    public static void Lint(string table, string actions, int offset, LintScope scope, LintSink found)
    {
        var isNew = scope.IsNewInFile(table);
        if (RenameTable().Match(actions) is { Success: true } renameTable)
        {
            var to = SqlNames.Normalize(renameTable.Groups["to"].Value);
            if (!isNew)
            {
                found.Add(
                    LintRules.RenameTable, offset,
                    $"Renaming table {table} to {to} breaks the application version still running while tenants migrate (it uses {table}).",
                    $"Create {to} (or a view named {to}) and move the application to it; drop {table} in a later rollout.");
            }

            scope.Renamed(table, to);
            return;
        }

        if (RenameColumn().Match(actions) is { Success: true } renameColumn)
        {
            if (!isNew)
            {
                var column = SqlNames.Normalize(renameColumn.Groups["column"].Value);
                var to = SqlNames.Normalize(renameColumn.Groups["to"].Value);
                found.Add(
                    LintRules.RenameColumn, offset,
                    $"Renaming column {table}.{column} to {to} breaks the application version still running while tenants migrate (it uses {column}).",
                    $"Add {to}, write both and backfill, move the application to {to}; drop {column} in a later rollout.");
            }

            return;
        }

        foreach (var (action, start) in Actions(actions))
        {
            LintAction(table, isNew, action, offset + start, scope, found);
        }
    }

    private static void LintAction(string table, bool isNew, string action, int at, LintScope scope, LintSink found)
    {
        if (AddConstraint().Match(action) is { Success: true } constraint)
        {
            var notValid = NotValid().IsMatch(constraint.Groups["body"].Value);
            var kind = constraint.Groups["kind"].Value.StartsWith("F", StringComparison.OrdinalIgnoreCase) ? "FOREIGN KEY" : "CHECK";
            var name = constraint.Groups["name"].Success ? SqlNames.Normalize(constraint.Groups["name"].Value) : null;
            if (kind == "CHECK" && NotNullCheck().Match(constraint.Groups["body"].Value) is { Success: true } proof)
            {
                var column = SqlNames.Normalize(proof.Groups["column"].Value);
                scope.NotNullCheck(name ?? $"{table}_{column}_check", table, column, validated: !notValid);
            }

            if (!notValid && !isNew)
            {
                var named = name ?? $"{table}_..._{(kind == "CHECK" ? "check" : "fkey")}";
                found.Add(
                    LintRules.AddConstraintWithoutNotValid, at,
                    $"ADD {kind} on existing table {table} without NOT VALID checks every row while it holds the lock"
                    + (kind == "CHECK" ? " (ACCESS EXCLUSIVE: no reads or writes)." : " (SHARE ROW EXCLUSIVE on both tables: no writes)."),
                    $"ADD CONSTRAINT {named} {kind} (...) NOT VALID, then ALTER TABLE {table} VALIDATE CONSTRAINT {named} in a later statement.");
            }
        }
        else if (AddColumn().Match(action) is { Success: true } add)
        {
            var column = SqlNames.Normalize(add.Groups["column"].Value);
            var definition = add.Groups["definition"].Value;
            if (!isNew)
            {
                LintAddColumn(table, column, definition, at, found);
            }
        }
        else if (AlterColumnType().Match(action) is { Success: true } type)
        {
            if (!isNew)
            {
                var column = SqlNames.Normalize(type.Groups["column"].Value);
                found.Add(
                    LintRules.AlterColumnType, at,
                    $"Changing the type of {table}.{column} rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (unless the types are binary-coercible, e.g. varchar(n) to text).",
                    $"Add a column of the new type, backfill it in batches, move the application to it; drop {column} in a later rollout.");
            }
        }
        else if (SetNotNull().Match(action) is { Success: true } notNull)
        {
            var column = SqlNames.Normalize(notNull.Groups["column"].Value);
            if (!isNew && !scope.ProvenNotNull(table, column))
            {
                found.Add(
                    LintRules.SetNotNullWithoutCheck, at,
                    $"SET NOT NULL on {table}.{column} scans the whole table under an ACCESS EXCLUSIVE lock: no validated CHECK ({column} IS NOT NULL) comes before it.",
                    $"ADD CONSTRAINT {table}_{column}_not_null CHECK ({column} IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT {table}_{column}_not_null; then SET NOT NULL.");
            }
        }
        else if (ValidateConstraint().Match(action) is { Success: true } validate)
        {
            scope.Validated(SqlNames.Normalize(validate.Groups["name"].Value));
        }
        else if (DropColumn().Match(action) is { Success: true } drop && !isNew)
        {
            var column = SqlNames.Normalize(drop.Groups["column"].Value);
            found.Add(
                LintRules.DropColumn, at,
                $"Dropping column {table}.{column} breaks the application version still running while tenants migrate (it reads or writes {column}).",
                $"Release an application version that no longer uses {column} first; drop it in a later rollout, accepting drop-column.");
        }
    }

    private static void LintAddColumn(string table, string column, string definition, int at, LintSink found)
    {
        var defaultAt = Default().Match(definition);
        var volatileDefault = defaultAt.Success && VolatileCall().Match(definition, defaultAt.Index) is { Success: true };
        if (volatileDefault || SerialOrIdentity().IsMatch(definition))
        {
            found.Add(
                LintRules.AddColumnVolatileDefault, at,
                $"Adding {table}.{column} with a volatile default (a value per row) rewrites the table under an ACCESS EXCLUSIVE lock; a constant or now() would not.",
                $"ADD COLUMN {column} without the default (or with a constant one), then ALTER COLUMN {column} SET DEFAULT ... for new rows and backfill old ones in batches.");
        }
        else if (!defaultAt.Success && NotNull().IsMatch(definition))
        {
            found.Add(
                LintRules.AddColumnNotNullNoDefault, at,
                $"Adding NOT NULL column {table}.{column} without a DEFAULT fails on every tenant whose {table} has rows.",
                $"ADD COLUMN {column} ... NOT NULL DEFAULT <constant>, or add it nullable, backfill, and SET NOT NULL behind a validated CHECK.");
        }
    }

    /// <summary>The actions of an ALTER TABLE with where each starts: split at commas outside parentheses and quoted names.</summary>
    private static IEnumerable<(string Action, int Start)> Actions(string actions)
    {
        var depth = 0;
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= actions.Length; i++)
        {
            var c = i < actions.Length ? actions[i] : ',';
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && c == ')')
            {
                depth--;
            }
            else if (!quoted && depth <= 0 && c == ',')
            {
                var piece = actions[start..i];
                var lead = piece.Length - piece.TrimStart().Length;
                if (piece.Trim().Length > 0)
                {
                    yield return (piece.Trim(), start + lead);
                }

                start = i + 1;
            }
        }
    }

    private const RegexOptions Read = RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant;

    [GeneratedRegex(@"^RENAME\s+TO\s+(?<to>" + SqlNames.Identifier + @")\s*$", Read)]
    private static partial Regex RenameTable();

    [GeneratedRegex(@"^RENAME\s+(?:COLUMN\s+)?(?!CONSTRAINT\b)(?<column>" + SqlNames.Identifier + @")\s+TO\s+(?<to>" + SqlNames.Identifier + @")\s*$", Read)]
    private static partial Regex RenameColumn();

    [GeneratedRegex(@"^ADD\s+(?:CONSTRAINT\s+(?<name>" + SqlNames.Identifier + @")\s+)?(?<kind>FOREIGN\s+KEY|CHECK)\b(?<body>.*)$", Read)]
    private static partial Regex AddConstraint();

    [GeneratedRegex(@"^\s*\(\s*(?<column>" + SqlNames.Identifier + @")\s+IS\s+NOT\s+NULL\s*\)", Read)]
    private static partial Regex NotNullCheck();

    [GeneratedRegex(@"\bNOT\s+VALID\b", Read)]
    private static partial Regex NotValid();

    [GeneratedRegex(@"^ADD\s+(?:COLUMN\s+)?(?!(?:CONSTRAINT|CHECK|FOREIGN|PRIMARY|UNIQUE|EXCLUDE)\b)(?:IF\s+NOT\s+EXISTS\s+)?(?<column>" + SqlNames.Identifier + @")\s+(?<definition>.+)$", Read)]
    private static partial Regex AddColumn();

    [GeneratedRegex(@"^ALTER\s+(?:COLUMN\s+)?(?<column>" + SqlNames.Identifier + @")\s+(?:SET\s+DATA\s+)?TYPE\b", Read)]
    private static partial Regex AlterColumnType();

    [GeneratedRegex(@"^ALTER\s+(?:COLUMN\s+)?(?<column>" + SqlNames.Identifier + @")\s+SET\s+NOT\s+NULL\b", Read)]
    private static partial Regex SetNotNull();

    [GeneratedRegex(@"^VALIDATE\s+CONSTRAINT\s+(?<name>" + SqlNames.Identifier + ")", Read)]
    private static partial Regex ValidateConstraint();

    [GeneratedRegex(@"^DROP\s+(?:COLUMN\s+)?(?!CONSTRAINT\b)(?:IF\s+EXISTS\s+)?(?<column>" + SqlNames.Identifier + ")", Read)]
    private static partial Regex DropColumn();

    [GeneratedRegex(@"\bDEFAULT\b", Read)]
    private static partial Regex Default();

    [GeneratedRegex(@"\b(?:" + VolatileFunctions + @")\s*\(", Read)]
    private static partial Regex VolatileCall();

    [GeneratedRegex(@"^(?:small|big)?serial\b|^serial[248]\b|\bGENERATED\s+(?:ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b", Read)]
    private static partial Regex SerialOrIdentity();

    // IS NOT NULL inside a CHECK is a condition, not the column's constraint; PRIMARY KEY implies NOT NULL.
    [GeneratedRegex(@"(?<!\bIS\s+)\bNOT\s+NULL\b|\bPRIMARY\s+KEY\b", Read)]
    private static partial Regex NotNull();
}
