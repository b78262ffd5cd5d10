using ControlPlane.Grains.Tenants.Groups;

namespace ControlPlane.Tests.Domain;

public sealed class MigrationGroupSizingShould
{
    private static readonly TimeSpan HoldLimit = TimeSpan.FromMilliseconds(50);

    [Theory]
    [InlineData(8, 8, 60, 6)] // 7.5 ms a member: six fit in 50 ms, not the four that halving gave
    [InlineData(8, 8, 120, 3)]
    [InlineData(8, 8, 1000, 1)] // even one member is over the limit: alone
    [InlineData(4, 2, 80, 1)] // only two joined; at 40 ms each, one fits
    public void TakeAsManyMembersAsFitInTheHoldLimitAfterASlowGroup(int size, int members, int tookMs, int next) =>
        Assert.Equal(next, MigrationGroupSizing.Next(size, members, TimeSpan.FromMilliseconds(tookMs), HoldLimit, largest: 8));

    [Fact]
    public void NeverKeepTheSizeOfAGroupThatWasOverTheLimit() =>
        Assert.Equal(7, MigrationGroupSizing.Next(8, 8, TimeSpan.FromMilliseconds(51), HoldLimit, largest: 8));

    [Theory]
    [InlineData(3, 4)]
    [InlineData(8, 8)]
    public void GrowByOneUpToTheLargestAfterAQuickGroup(int size, int next) =>
        Assert.Equal(next, MigrationGroupSizing.Next(size, size, TimeSpan.FromMilliseconds(20), HoldLimit, largest: 8));
}
