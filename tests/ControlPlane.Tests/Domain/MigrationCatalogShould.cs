using ControlPlane.Grains.Migrations;
using ControlPlane.Tests.Harness;
using Microsoft.Extensions.Options;

namespace ControlPlane.Tests.Domain;

public sealed class MigrationCatalogShould : IDisposable
{
    private readonly MigrationFolder _folder = new();

    [Fact]
    public void ReadTheShippedModelInVersionOrder()
    {
        var set = Catalog().Current();

        Assert.Equal([1, 2, 3], set.Scripts.Select(s => s.Version));
        Assert.Equal("base", set.Scripts[0].Name);
        Assert.All(set.Scripts, s => Assert.True(s.Transactional));
        Assert.Equal(3, set.LatestVersion);
    }

    [Fact]
    public void SeeANewFileWithoutRestarting()
    {
        var catalog = Catalog();
        var before = catalog.Current();

        _folder.Write("V0004__add_component_owner.sql", "ALTER TABLE components ADD COLUMN owner text;");

        Assert.Equal(3, before.LatestVersion);
        Assert.Equal(4, catalog.Current().LatestVersion);
        Assert.Equal("add component owner", catalog.Current().ByVersion[4].Name);
    }

    [Fact]
    public void RefuseTwoFilesWithOneVersion()
    {
        _folder.Write("V0003__again.sql", "SELECT 1;");

        var error = Assert.Throws<MigrationCatalogException>(() => Catalog().Current());

        Assert.Contains("same version 3", error.Message);
    }

    [Theory]
    [InlineData("V4_missing_separator.sql")]
    [InlineData("v0004__lower_v.sql")]
    [InlineData("V0000__zero.sql")]
    [InlineData("V0004__spaces in name.sql")]
    public void RefuseABadlyNamedFileSayingHowToNameIt(string fileName)
    {
        _folder.Write(fileName, "SELECT 1;");

        var error = Assert.Throws<MigrationCatalogException>(() => Catalog().Current());

        Assert.Contains(fileName, error.Message);
    }

    [Fact]
    public void MarkAFileThatMustRunOutsideATransaction()
    {
        var script = MigrationCatalog.Parse("V0005__index.sql", "-- controlplane:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);");

        Assert.False(script.Transactional);
    }

    [Fact]
    public void GiveTheSameChecksumWhateverTheLineEndings() =>
        Assert.Equal(Checksums.Of("SELECT 1;\nSELECT 2;\n"), Checksums.Of("\uFEFFSELECT 1;\r\nSELECT 2;\r\n"));

    [Fact]
    public void FindChangedRemovedAndOutOfOrderMigrations()
    {
        var set = new MigrationSet([
            MigrationCatalog.Parse("V0001__a.sql", "SELECT 1;"),
            MigrationCatalog.Parse("V0002__b.sql", "SELECT 2; -- edited"),
            MigrationCatalog.Parse("V0004__d.sql", "SELECT 4;"),
        ]);
        var applied = new[]
        {
            Applied(1, "SELECT 1;"),
            Applied(2, "SELECT 2;"),
            Applied(3, "SELECT 3;"),
            Applied(5, "SELECT 5;"),
        };

        var drift = MigrationDriftCheck.Find(applied, set);

        Assert.Equal([2, 3, 4, 5], drift.Select(d => d.Version));
        Assert.NotNull(drift[0].CurrentChecksum);
        Assert.Null(drift[1].CurrentChecksum);
        Assert.Null(drift[2].AppliedChecksum);
    }

    public void Dispose() => _folder.Dispose();

    private MigrationCatalog Catalog() => new(Options.Create(new TenantModelOptions { MigrationsPath = _folder.Path }));

    private static AppliedMigration Applied(int version, string sql) =>
        new(version, "x", Checksums.Of(sql), AppliedMigrationStatus.Applied, DateTimeOffset.UnixEpoch, 1);
}
