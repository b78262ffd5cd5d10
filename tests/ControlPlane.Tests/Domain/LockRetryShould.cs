using ControlPlane.Api.Rollouts;
using ControlPlane.Grains.Tenants.Locks;

namespace ControlPlane.Tests.Domain;

public sealed class LockRetryShould
{
    [Theory]
    [InlineData(1, 0.5, 100)]
    [InlineData(2, 0.5, 200)]
    [InlineData(3, 1.0, 800)]
    [InlineData(10, 1.0, 5000)]
    [InlineData(4, 0.0, 0)]
    public void Pause_a_random_share_of_a_doubling_capped_ceiling(int tries, double random, double milliseconds) =>
        Assert.Equal(
            TimeSpan.FromMilliseconds(milliseconds),
            LockRetry.Delay(tries, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), random));

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("1s", 1000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2min", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("PT1S", 1000)]
    [InlineData("PT0.25S", 250)]
    [InlineData(" 750 ms ", 750)]
    public void Read_postgres_and_iso_8601_durations(string value, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DdlDuration.Parse(value, "lockTimeout", TimeSpan.Zero, TimeSpan.FromDays(1)));

    [Theory]
    [InlineData("1")]
    [InlineData("1 second")]
    [InlineData("-1s")]
    [InlineData("P1Y")]
    [InlineData("PT")]
    public void Refuse_anything_else_naming_the_field(string value)
    {
        var error = Assert.Throws<ControlPlane.Grains.Tenants.TenantValidationException>(
            () => DdlDuration.Parse(value, "statementTimeout", TimeSpan.Zero, TimeSpan.FromDays(1)));

        Assert.Equal("statementTimeout", error.Field);
    }
}
