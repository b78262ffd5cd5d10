using ControlPlane.Grains.Tenants;

namespace ControlPlane.Tests.Domain;

public sealed class LabelSelectorShould
{
    [Theory]
    [InlineData("plan=free", "plan=free")]
    [InlineData("plan == free", "plan=free")]
    [InlineData("plan!=free,region in (eu, uk)", "plan!=free,region in (eu,uk)")]
    [InlineData("tier notin (gold),beta,!legacy", "tier notin (gold),beta,!legacy")]
    [InlineData("example.com/team=a-b_c.d", "example.com/team=a-b_c.d")]
    public void Read_every_operator_and_spell_it_canonically(string text, string canonical)
    {
        Assert.Equal(canonical, LabelSelector.Parse(text, "f").ToString());
    }

    [Theory]
    [InlineData("plan in (free")]
    [InlineData("plan=free;region=eu")]
    [InlineData("Plan=free")]
    [InlineData("plan=free,")]
    [InlineData("plan ~ free")]
    [InlineData("plan in ()")]
    public void Refuse_bad_syntax_naming_the_field(string text)
    {
        var error = Assert.Throws<TenantValidationException>(() => LabelSelector.Parse(text, "waves[2].selector"));

        Assert.Equal("waves[2].selector", error.Field);
    }

    [Fact]
    public void Match_tenants_without_the_key_for_not_equal_and_notin_as_kubernetes_does()
    {
        var none = new Dictionary<string, string>();
        var free = new Dictionary<string, string> { ["plan"] = "free" };

        Assert.True(LabelSelector.Parse("plan!=free", "f").Matches(none));
        Assert.True(LabelSelector.Parse("plan notin (free)", "f").Matches(none));
        Assert.False(LabelSelector.Parse("plan!=free", "f").Matches(free));
        Assert.False(LabelSelector.Parse("plan in (free,pro)", "f").Matches(none));
        Assert.True(LabelSelector.Parse("!plan", "f").Matches(none));
        Assert.True(LabelSelector.Parse("plan", "f").Matches(free));
    }
}
