using ControlPlane.Cli;
using ControlPlane.Cli.Rollouts;

namespace ControlPlane.Tests.Cli;

/// <summary>The CLI's own value syntax: waves, failure thresholds and durations.</summary>
public sealed class CommandLineValuesShould
{
    [Theory]
    [InlineData("canary:20", "canary", 20)]
    [InlineData("rest", "rest", null)]
    [InlineData(" eu west : 5 ", "eu west", 5)]
    [InlineData("a:b:3", "a:b", 3)]
    public void ReadAWaveAsNameAndOptionalSize(string text, string name, int? size)
    {
        var parsed = WaveSpec.TryParse(text, out var wave, out var error);

        Assert.True(parsed, error);
        Assert.Equal(name, wave.Name);
        Assert.Equal(size, wave.Tenants);
    }

    [Theory]
    [InlineData("free-eu:plan=free,region=eu", "free-eu", "plan=free,region=eu", null)]
    [InlineData("eu:region in (eu,uk):5", "eu", "region in (eu,uk)", 5)]
    [InlineData("paid:plan!=free", "paid", "plan!=free", null)]
    public void ReadAWaveWithASelectorAndOptionalSize(string text, string name, string selector, int? size)
    {
        var parsed = WaveSpec.TryParse(text, out var wave, out var error);

        Assert.True(parsed, error);
        Assert.Equal(name, wave.Name);
        Assert.Equal(selector, wave.Selector);
        Assert.Equal(size, wave.Tenants);
    }

    [Theory]
    [InlineData(":20", "has no wave name")]
    [InlineData("canary:", "must be a whole number")]
    [InlineData("canary:-1", "must be a whole number")]
    [InlineData("canary:lots", "must be a whole number")]
    public void RefuseAMalformedWaveAndSayWhy(string text, string reason)
    {
        var parsed = WaveSpec.TryParse(text, out _, out var error);

        Assert.False(parsed);
        Assert.Contains(reason, error);
    }

    [Theory]
    [InlineData("0.02", 0.02)]
    [InlineData("2%", 0.02)]
    [InlineData("0", 0)]
    [InlineData("100%", 1)]
    public void ReadAFailureThresholdAsAFractionOrAPercentage(string text, double expected)
    {
        var parsed = FailureThreshold.TryParse(text, out var fraction);

        Assert.True(parsed);
        Assert.Equal(expected, fraction, 6);
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("1.5m", 90)]
    [InlineData("1h", 3600)]
    public void ReadADurationInSecondsMinutesOrHours(string text, double seconds)
    {
        var parsed = TimeoutOption.TryParse(text, out var value);

        Assert.True(parsed);
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("5d")]
    [InlineData("soon")]
    public void RefuseADurationThatIsNotOne(string text)
    {
        var parsed = TimeoutOption.TryParse(text, out _);

        Assert.False(parsed);
    }
}
