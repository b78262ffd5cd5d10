using ControlPlane.Grains.Tenants;

namespace ControlPlane.Tests.Domain;

public sealed class RetryBackoffShould
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(10, 60)]
    public void DoubleFromTheBaseUpToTheCap(int attempts, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryBackoff.Delay(attempts, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), jitter01: 0));

    [Fact]
    public void AddAtMostTwentyPercentJitter() =>
        Assert.Equal(TimeSpan.FromSeconds(2.4), RetryBackoff.Delay(1, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), jitter01: 1));
}
