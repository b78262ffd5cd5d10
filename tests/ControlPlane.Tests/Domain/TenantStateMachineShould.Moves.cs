using ControlPlane.Grains.Tenants;

namespace ControlPlane.Tests.Domain;

public sealed partial class TenantStateMachineShould
{
    private static readonly DateTimeOffset Asked = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(TenantMovePhase.Preparing, WorkUnit.MovePrepare)]
    [InlineData(TenantMovePhase.Copying, WorkUnit.MoveCopy)]
    [InlineData(TenantMovePhase.Removing, WorkUnit.MoveRemove)]
    public void RunAMovesPhaseBeforeAnUpgradeWhileTheTenantIsActive(TenantMovePhase phase, WorkUnit expected)
    {
        var moving = Row(TenantStatus.Active) with { MigrationVersion = 3, Move = new TenantMove(TenantTier.Schema, phase, Asked) };

        Assert.Equal(expected, TenantStateMachine.NextWork(moving, due: false, upgradeTarget: 4));
        Assert.Equal(ProvisioningStep.Move, TenantStateMachine.StepOf(expected));
    }

    [Fact]
    public void LeadEachMovePhaseToTheNextAndHoldWritesOnlyWhileCopying()
    {
        var phases = Enum.GetValues<TenantMovePhase>();

        Assert.Equal([TenantMovePhase.Copying, TenantMovePhase.Removing, null], phases.Select(TenantStateMachine.AfterMovePhase));
        Assert.Equal([TenantMovePhase.Copying], phases.Where(TenantStateMachine.HoldsWrites));
    }

    [Fact]
    public void CallOffAMoveThatFailsBeforeItsSwitchAndKeepOneThatFailsRemovingItsSource()
    {
        Assert.Null(TenantStateMachine.AfterMoveFailure(new TenantMove(TenantTier.Pooled, TenantMovePhase.Preparing, Asked)));
        Assert.Null(TenantStateMachine.AfterMoveFailure(new TenantMove(TenantTier.Pooled, TenantMovePhase.Copying, Asked)));
        Assert.NotNull(TenantStateMachine.AfterMoveFailure(new TenantMove(TenantTier.Pooled, TenantMovePhase.Removing, Asked)));
    }

    [Fact]
    public void MoveOnlyAnActiveTenantAndRefuseASecondMoveWhileOneRuns()
    {
        var moving = Row(TenantStatus.Active) with { Move = new TenantMove(TenantTier.Pooled, TenantMovePhase.Copying, Asked) };

        Assert.False(TenantStateMachine.EnsureMovable(Row(TenantStatus.Active), TenantTier.Pooled));
        Assert.True(TenantStateMachine.EnsureMovable(moving, TenantTier.Pooled));
        Assert.Throws<TenantConflictException>(() => TenantStateMachine.EnsureMovable(moving with { Tier = TenantTier.Pooled, Move = moving.Move! with { Phase = TenantMovePhase.Removing, To = TenantTier.Pooled } }, TenantTier.Schema));
        Assert.Equal(TenantStatus.Suspended, Assert.Throws<InvalidTenantTransitionException>(() => TenantStateMachine.EnsureMovable(Row(TenantStatus.Suspended), TenantTier.Pooled)).Current);
        Assert.True(TenantStateMachine.WaitsForMove(moving));
        Assert.True(TenantStateMachine.AlreadyIn(Row(TenantStatus.Suspended), TenantTier.Schema));
    }
}
