using ControlPlane.Grains.Database;
using ControlPlane.Grains.Rollouts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Migrations;
using ControlPlane.Registry.Contracts.Rollouts;
using Npgsql;

namespace ControlPlane.Grains.Migrations.Lint;

/// <summary>
/// The lint of the catalogue as the folder is now (linted once per listing of the folder), and of the files a rollout
/// would run: what the rollout, its plan and <c>GET /v1/migrations</c> show.
/// </summary>
public sealed class MigrationLint(ControlPlaneDataSources dataSources, MigrationCatalog catalog) : IMigrationLint
{
    private Linted? _last;

    /// <summary>The findings of every file of <paramref name="set"/>, by version.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<LintFinding>> Of(MigrationSet set)
    {
        // The catalogue hands out the same set until the folder changes: one lint per change, not per request.
        if (_last is { } last && ReferenceEquals(last.Set, set))
        {
            return last.Findings;
        }

        var findings = MigrationLinter.Lint(set.Scripts);
        _last = new Linted(set, findings);
        return findings;
    }

    public async Task<PendingLint> ForPlanAsync(RolloutPlan plan, CancellationToken cancellationToken)
    {
        var accepted = RequireKnownRules(plan.AcceptLint);
        MigrationSet set;
        try
        {
            set = catalog.Current();
        }
        catch (MigrationCatalogException ex)
        {
            throw new RolloutConflictException($"The migration catalogue cannot be used: {ex.Message}");
        }

        var target = plan.TargetVersion ?? set.LatestVersion;
        if (!set.ByVersion.ContainsKey(target))
        {
            throw new TenantValidationException("targetVersion", $"V{target:0000} is not in the catalogue.");
        }

        return await PendingAsync(set, target, accepted, cancellationToken);
    }

    /// <summary>
    /// The findings of the files of <paramref name="set"/> a rollout to <paramref name="target"/> would run: above the
    /// lowest version among the tenants it would migrate, up to the target.
    /// </summary>
    public async Task<PendingLint> PendingAsync(MigrationSet set, int target, IReadOnlyList<string> accepted, CancellationToken cancellationToken)
    {
        // The tenants a rollout records as Pending (RolloutRegistry: not deleted, not being deleted, not failed, below target).
        await using var command = dataSources.Registry.CreateCommand(
            """
            SELECT min(migration_version) FROM controlplane.tenants
            WHERE state NOT IN ('Deleted', 'Deprovisioning', 'Failed') AND migration_version < $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = target });
        var from = await command.ExecuteScalarAsync(cancellationToken) is int lowest ? lowest : (int?)null;
        var all = Of(set);
        IReadOnlyList<LintFinding> findings = from is int low
            ? [.. set.Scripts.Where(s => s.Version > low && s.Version <= target).SelectMany(s => all[s.Version])]
            : [];
        return new PendingLint(from, target, findings, accepted);
    }

    /// <summary>The accepted rule ids, each checked against <see cref="LintRules"/>: an unknown one is refused naming <c>acceptLint[i]</c>.</summary>
    public static IReadOnlyList<string> RequireKnownRules(IReadOnlyList<string>? accepted)
    {
        if (accepted is null)
        {
            return [];
        }

        for (var i = 0; i < accepted.Count; i++)
        {
            if (accepted[i] is not { } id || !LintRules.ById.ContainsKey(id))
            {
                throw new TenantValidationException(
                    $"acceptLint[{i}]", $"'{accepted[i]}' is not a lint rule; the rules are {string.Join(", ", LintRules.All.Select(r => r.Id))}.");
            }
        }

        return [.. accepted.Distinct(StringComparer.Ordinal)];
    }

    private sealed record Linted(MigrationSet Set, IReadOnlyDictionary<int, IReadOnlyList<LintFinding>> Findings);
}
