using ControlPlane.Grains.Tenants;

namespace ControlPlane.Tests.Domain;

public sealed class TenantSlugShould
{
    [Theory]
    [InlineData("a")]
    [InlineData("acme")]
    [InlineData("acme_corp_2")]
    [InlineData("z9")]
    public void AcceptLowerCaseLetterThenLettersDigitsOrUnderscores(string value)
    {
        var slug = TenantSlug.Parse(value);

        Assert.Equal(value, slug.Value);
        Assert.Equal($"tenant_{value}", slug.SchemaName);
        Assert.Equal($"tenant_{value}", slug.RoleName);
    }

    [Fact]
    public void KeepTheSchemaNameWithinSixtyThreeBytes()
    {
        var longest = "a" + new string('b', TenantSlug.MaxLength - 1);

        Assert.Equal(63, TenantSlug.Parse(longest).SchemaName.Length);
        Assert.False(TenantSlug.TryParse(longest + "c", out _, out var error));
        Assert.Contains("63-byte", error);
    }

    [Theory]
    [InlineData("public")]
    [InlineData("pg_catalog")]
    [InlineData("pg_x")]
    [InlineData("information_schema")]
    [InlineData("controlplane")]
    public void RefuseReservedNames(string value)
    {
        var error = Assert.Throws<TenantValidationException>(() => TenantSlug.Parse(value));

        Assert.Equal("slug", error.Field);
        Assert.Contains("reserved", error.Message);
    }

    [Theory]
    [InlineData("PG_x")]
    [InlineData("Acme")]
    [InlineData("1acme")]
    [InlineData("acme-corp")]
    [InlineData("acme.corp")]
    [InlineData("ac\"me")]
    [InlineData("ａcme")]
    public void RefuseAnythingOutsideTheAlphabet(string value) =>
        Assert.False(TenantSlug.TryParse(value, out _, out _));
}
