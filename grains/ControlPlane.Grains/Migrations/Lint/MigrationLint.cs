using ControlPlane.Grains.Tenants;
using ControlPlane.Registry.Contracts.Migrations;

namespace ControlPlane.Grains.Migrations.Lint;

/// <summary>
/// The lint of the catalogue as the folder is now (linted once per listing of the folder), and of the files a rollout
/// would run: what the rollout, its plan and <c>GET /v1/migrations</c> show.
/// </summary>
public sealed class MigrationLint
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

    /// <summary>
    /// The findings of the files of <paramref name="set"/> a rollout to <paramref name="target"/> would run: above
    /// <paramref name="lowestPending"/> (the lowest version among the tenants it would migrate, as the rollout's own
    /// assignment says; null when it would migrate none), up to the target.
    /// </summary>
    public PendingLint Pending(MigrationSet set, int target, int? lowestPending, IReadOnlyList<string> accepted)
    {
        var all = Of(set);
        IReadOnlyList<LintFinding> findings = lowestPending is int low
            ? [.. set.Scripts.Where(s => s.Version > low && s.Version <= target).SelectMany(s => all[s.Version])]
            : [];
        return new PendingLint(lowestPending, target, findings, accepted);
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
