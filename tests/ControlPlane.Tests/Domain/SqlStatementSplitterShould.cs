using ControlPlane.Grains.Migrations;

namespace ControlPlane.Tests.Domain;

public sealed class SqlStatementSplitterShould
{
    [Fact]
    public void SplitAtTopLevelSemicolons() =>
        Assert.Equal(
            ["CREATE INDEX CONCURRENTLY a ON t (x)", "CREATE INDEX CONCURRENTLY b ON t (y)"],
            SqlStatementSplitter.Split("CREATE INDEX CONCURRENTLY a ON t (x);\n\nCREATE INDEX CONCURRENTLY b ON t (y);\n"));

    [Fact]
    public void KeepSemicolonsInsideQuotesCommentsAndDollarQuotes()
    {
        var sql = """
            INSERT INTO t VALUES ('a;b', "c;d"); -- trailing; comment
            /* block; /* nested; */ still comment; */
            DO $body$ BEGIN PERFORM 1; PERFORM 2; END $body$;
            SELECT $$x;y$$, $1
            """;

        var statements = SqlStatementSplitter.Split(sql);

        Assert.Equal(3, statements.Count);
        Assert.StartsWith("INSERT INTO t VALUES ('a;b', \"c;d\")", statements[0], StringComparison.Ordinal);
        Assert.Contains("PERFORM 1; PERFORM 2;", statements[1], StringComparison.Ordinal);
        Assert.Equal("SELECT $$x;y$$, $1", statements[2]);
    }

    [Fact]
    public void DropPiecesThatAreOnlyComments()
    {
        var statements = SqlStatementSplitter.Split("-- controlplane:no-transaction\nSELECT 1;\n-- the end\n");

        Assert.EndsWith("SELECT 1", Assert.Single(statements), StringComparison.Ordinal);
    }
}
