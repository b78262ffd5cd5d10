using ControlPlane.Grains.Migrations;
using ControlPlane.Grains.Migrations.Lint;
using ControlPlane.Registry.Contracts.Migrations;

namespace ControlPlane.Tests.Domain;

/// <summary>Each lint rule both ways: the unsafe form is found (file, line, rule, severity), the safe form is not.</summary>
public sealed class MigrationLinterShould
{
    // An earlier file that creates the tables the statements under test touch, so they count as existing ones.
    private const string Base = "CREATE TABLE components (id bigint PRIMARY KEY, name text, owner text);\nCREATE TABLE teams (id bigint PRIMARY KEY);\n";

    [Fact]
    public void Find_create_index_without_concurrently_on_an_existing_table()
    {
        var finding = Assert.Single(Lint("\n\nCREATE INDEX components_name_idx ON components (name);"));

        Assert.Equal(("V0002__file.sql", 3, "create-index-not-concurrently", LintSeverity.Error), (finding.File, finding.Line, finding.Rule, finding.Severity));
        Assert.Contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS components_name_idx ON components", finding.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-- controlplane:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS components_name_idx ON components (name);")]
    [InlineData("CREATE TABLE notes (id bigint, body text);\nCREATE UNIQUE INDEX notes_body_key ON notes (body);")]
    public void Not_find_an_index_built_concurrently_or_on_a_table_the_file_created(string sql) => Assert.Empty(Lint(sql));

    [Theory]
    [InlineData("create   unique\n\tindex on public.components(name)")]
    [InlineData("CREATE INDEX \"Odd\" ON \"components\" (name)")]
    public void Find_create_index_whatever_its_case_spacing_or_quoting(string sql) =>
        Assert.Equal("create-index-not-concurrently", Assert.Single(Lint(sql)).Rule);

    [Fact]
    public void Not_find_statements_that_only_appear_in_comments_or_strings()
    {
        var sql = """
            -- CREATE INDEX a ON components (name);
            /* ALTER TABLE components DROP COLUMN name; /* nested */ DROP TABLE teams; */
            INSERT INTO components (id, name) VALUES (1, 'ALTER TABLE components RENAME TO x; CREATE INDEX b ON components (name)');
            DO $$ BEGIN EXECUTE 'DROP TABLE teams'; END $$;
            """;

        Assert.Empty(Lint(sql));
    }

    [Fact]
    public void Find_a_not_null_column_added_without_a_default()
    {
        var finding = Assert.Single(Lint("ALTER TABLE components\n  ADD COLUMN rank integer NOT NULL;"));

        Assert.Equal(("add-column-not-null-no-default", 2, LintSeverity.Error), (finding.Rule, finding.Line, finding.Severity));
    }

    [Theory]
    [InlineData("ALTER TABLE components ADD COLUMN rank integer NOT NULL DEFAULT 0")]
    [InlineData("ALTER TABLE components ADD COLUMN rank integer CHECK (rank IS NOT NULL)")]
    [InlineData("ALTER TABLE components ADD COLUMN rank integer")]
    public void Not_find_a_column_with_a_default_or_nullable(string sql) => Assert.Empty(Lint(sql));

    [Theory]
    [InlineData("ALTER TABLE components ADD COLUMN seen_at timestamptz NOT NULL DEFAULT clock_timestamp()")]
    [InlineData("ALTER TABLE components ADD COLUMN token uuid DEFAULT gen_random_uuid()")]
    [InlineData("ALTER TABLE components ADD COLUMN score float8 DEFAULT random ( )")]
    [InlineData("ALTER TABLE components ADD COLUMN seq bigint DEFAULT nextval('components_seq')")]
    [InlineData("ALTER TABLE components ADD COLUMN label text DEFAULT timeofday()")]
    [InlineData("ALTER TABLE components ADD COLUMN number bigserial")]
    [InlineData("ALTER TABLE components ADD COLUMN number bigint GENERATED ALWAYS AS IDENTITY")]
    public void Find_a_column_added_with_a_volatile_default(string sql)
    {
        var finding = Assert.Single(Lint(sql));

        Assert.Equal(("add-column-volatile-default", LintSeverity.Error), (finding.Rule, finding.Severity));
    }

    [Theory]
    [InlineData("ALTER TABLE components ADD COLUMN added_at timestamptz NOT NULL DEFAULT now()")]
    [InlineData("ALTER TABLE components ADD COLUMN added_at timestamptz NOT NULL DEFAULT current_timestamp")]
    [InlineData("ALTER TABLE components ADD COLUMN kind text NOT NULL DEFAULT 'random()'")]
    public void Not_find_a_stable_or_constant_default_which_postgres_does_not_rewrite_for(string sql) => Assert.Empty(Lint(sql));

    [Fact]
    public void Find_a_column_type_change()
    {
        var finding = Assert.Single(Lint("ALTER TABLE components ALTER COLUMN name TYPE varchar(80);"));

        Assert.Equal(("alter-column-type", LintSeverity.Error), (finding.Rule, finding.Severity));
    }

    [Fact]
    public void Not_find_a_type_change_on_a_table_the_file_created() =>
        Assert.Empty(Lint("CREATE TABLE notes (id int, body text);\nALTER TABLE notes ALTER body SET DATA TYPE varchar(80);"));

    [Fact]
    public void Find_set_not_null_without_a_validated_check_before_it()
    {
        var findings = Lint("ALTER TABLE components ADD CONSTRAINT components_name_nn CHECK (name IS NOT NULL) NOT VALID;\nALTER TABLE components ALTER COLUMN name SET NOT NULL;");

        var finding = Assert.Single(findings);
        Assert.Equal(("set-not-null-without-check", 2), (finding.Rule, finding.Line));
    }

    [Fact]
    public void Not_find_set_not_null_after_a_check_validated_in_an_earlier_file()
    {
        var findings = MigrationLinter.Lint([
            Script(1, Base),
            Script(2, "ALTER TABLE components ADD CONSTRAINT components_name_nn CHECK (name IS NOT NULL) NOT VALID;"),
            Script(3, "ALTER TABLE components VALIDATE CONSTRAINT components_name_nn;\nALTER TABLE components ALTER COLUMN name SET NOT NULL;"),
        ]);

        Assert.All(findings.Values, Assert.Empty);
    }

    [Theory]
    [InlineData("ALTER TABLE components ADD CONSTRAINT components_team_fk FOREIGN KEY (id) REFERENCES teams (id)", "FOREIGN KEY")]
    [InlineData("ALTER TABLE components ADD CHECK (length(name) <= 40)", "CHECK")]
    public void Find_a_constraint_added_without_not_valid(string sql, string kind)
    {
        var finding = Assert.Single(Lint(sql));

        Assert.Equal(("add-constraint-without-not-valid", LintSeverity.Error), (finding.Rule, finding.Severity));
        Assert.Contains(kind, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_find_a_constraint_added_not_valid_and_validated_apart() =>
        Assert.Empty(Lint("ALTER TABLE components ADD CONSTRAINT components_short CHECK (length(name) <= 40) NOT VALID;\nALTER TABLE components VALIDATE CONSTRAINT components_short;"));

    [Fact]
    public void Find_drops_and_renames_of_existing_tables_and_columns_on_their_own_lines()
    {
        var findings = Lint("ALTER TABLE components DROP COLUMN owner;\nALTER TABLE components RENAME COLUMN name TO title;\nALTER TABLE teams RENAME TO squads;\nDROP TABLE IF EXISTS squads;");

        Assert.Equal(
            [("drop-column", 1), ("rename-column", 2), ("rename-table", 3), ("drop-table", 4)],
            findings.Select(f => (f.Rule, f.Line)));
        Assert.All(findings, f => Assert.Equal(LintSeverity.Error, f.Severity));
    }

    [Fact]
    public void Not_find_drops_or_renames_of_constraints_or_of_tables_the_file_created() =>
        Assert.Empty(Lint("ALTER TABLE components DROP CONSTRAINT components_short;\nALTER TABLE components RENAME CONSTRAINT a TO b;\nCREATE TABLE scratch (id int, x int);\nALTER TABLE scratch DROP COLUMN x;\nALTER TABLE scratch RENAME TO scratch2;\nDROP TABLE scratch2;"));

    [Fact]
    public void Find_each_action_of_a_multi_action_alter_table()
    {
        var findings = Lint("ALTER TABLE components\n  ADD COLUMN a int NOT NULL,\n  ADD COLUMN b numeric(10, 2),\n  ALTER COLUMN name TYPE varchar(10);");

        Assert.Equal([("add-column-not-null-no-default", 2), ("alter-column-type", 4)], findings.Select(f => (f.Rule, f.Line)));
    }

    [Fact]
    public void Warn_about_a_no_transaction_file_with_several_statements()
    {
        var finding = Assert.Single(Lint("-- controlplane:no-transaction\nCREATE INDEX CONCURRENTLY a ON components (name);\nUPDATE components SET owner = 'x';"));

        Assert.Equal(("non-transactional-mixed", 3, LintSeverity.Warning), (finding.Rule, finding.Line, finding.Severity));
        Assert.Contains("mixing CONCURRENTLY", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_concurrently_in_a_transactional_file_as_an_error()
    {
        var finding = Assert.Single(Lint("CREATE INDEX CONCURRENTLY a ON components (name);"));

        Assert.Equal(("non-transactional-mixed", LintSeverity.Error), (finding.Rule, finding.Severity));
    }

    [Fact]
    public void Find_nothing_in_the_example_catalogue()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TenantModel", "migrations");
        var scripts = Directory.GetFiles(folder, "*.sql").Select(f => MigrationCatalog.Parse(Path.GetFileName(f), File.ReadAllText(f))).ToList();

        var findings = MigrationLinter.Lint(scripts);

        Assert.Equal(scripts.Count, findings.Count);
        Assert.All(findings.Values, Assert.Empty);
    }

    private static IReadOnlyList<LintFinding> Lint(string sql) => MigrationLinter.Lint([Script(1, Base), Script(2, sql)])[2];

    private static MigrationScript Script(int version, string sql) => MigrationCatalog.Parse(version == 1 ? "V0001__base.sql" : $"V{version:0000}__file.sql", sql);
}
