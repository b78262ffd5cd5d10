using System.Text.RegularExpressions;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Tests.Domain;

/// <summary>
/// SQL that still spells out tenant states by hand (the registry's CHECK, the rollout planner) must say what
/// <see cref="TenantStateMachine"/> says; these read the SQL where it lives and compare.
/// </summary>
public sealed partial class TenantStateListsInSqlShould
{
    // The newest upgrade that redefines the registry's state CHECK (R0001 made it; R0019 added Retained).
    private const string RegistrySql = "grains/ControlPlane.Grains/Registry/Sql/R0019__tenant_retention.sql";
    private const string RolloutRegistry = "grains/ControlPlane.Grains/Rollouts/RolloutRegistry.cs";
    private const string RolloutAssignment = "grains/ControlPlane.Grains/Rollouts/RolloutAssignment.cs";

    [Fact]
    public void AcceptEveryTenantStatusInTheRegistryAndNoOther()
    {
        var check = Find(RegistrySql, RegistryStateCheck());

        Assert.Equal(Enum.GetValues<TenantStatus>(), check);
    }

    [Fact]
    public void SkipInARolloutPlanExactlyTheTenantsTheStateMachineSkips()
    {
        var skipped = Find(RolloutAssignment, RolloutPlanSkips());
        var leftOut = Find(RolloutAssignment, RolloutPlanLeavesOut());

        Assert.Equal(Enum.GetValues<TenantStatus>().Where(TenantStateMachine.RolloutSkips), skipped.Union(leftOut).Order());
    }

    [Fact]
    public void CheckDriftBeforeARolloutOnlyForTenantsThatAreNotGone()
    {
        var excluded = Find(RolloutRegistry, RolloutDriftExcludes());

        Assert.Equal(Enum.GetValues<TenantStatus>().Where(TenantStateMachine.IsGone), excluded);
    }

    /// <summary>The states quoted in <paramref name="pattern"/>'s first group, in enum order.</summary>
    private static TenantStatus[] Find(string file, Regex pattern)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, file));
        var match = pattern.Match(text);
        Assert.True(match.Success, $"{file} no longer holds the state list /{pattern}/; if the SQL moved, point this test at it.");
        return [.. Quoted().Matches(match.Groups[1].Value).Select(m => Enum.Parse<TenantStatus>(m.Groups[1].Value)).Order()];
    }

    [GeneratedRegex(@"ADD CONSTRAINT tenants_state_check CHECK \(state IN \(([^)]*)\)\)")]
    private static partial Regex RegistryStateCheck();

    [GeneratedRegex(@"t\.state IN \(([^)]*)\) THEN 'Skipped'")]
    private static partial Regex RolloutPlanSkips();

    // Pooled tenants are left out too (their pooled schema is one unit of the rollout), whatever their state.
    [GeneratedRegex(@"FROM controlplane\.tenants WHERE state <> ('\w+') AND tier <> 'pooled'\)")]
    private static partial Regex RolloutPlanLeavesOut();

    [GeneratedRegex(@"JOIN controlplane\.tenants t USING \(slug\)\s+WHERE t\.state NOT IN \(([^)]*)\)")]
    private static partial Regex RolloutDriftExcludes();

    [GeneratedRegex(@"'(\w+)'")]
    private static partial Regex Quoted();
}
