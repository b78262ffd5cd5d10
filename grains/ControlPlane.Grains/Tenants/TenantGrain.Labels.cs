using ControlPlane.Grains.Registry;

namespace ControlPlane.Grains.Tenants;

// Labels: written by the tenant's own grain under its row lock, like every other change to the tenant, so two
// PATCHes (or a PATCH and a provisioning step) never overwrite each other.
public sealed partial class TenantGrain
{
    public async Task<TenantSnapshot> SetLabelsAsync(IReadOnlyDictionary<string, string?> changes, long? expectedEtag)
    {
        var slug = RequireSlug();
        var cancellationToken = lifetime.ApplicationStopping;
        await using (var connection = await dataSources.Registry.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var locked = await LockForOperatorAsync(connection, transaction, slug, expectedEtag, cancellationToken);
            if (TenantStateMachine.IsGone(locked.Row.State))
            {
                throw new InvalidTenantTransitionException(slug.Value, locked.Row.State, "change its labels");
            }

            var labels = TenantLabels.Merge(locked.Row.Labels, changes);
            if (!TenantLabels.Same(labels, locked.Row.Labels))
            {
                await TenantRows.SaveLabelsAsync(connection, transaction, locked.Row, labels, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                LogLabelsChanged(logger, slug.Value, labels.Count);
            }
        }

        return (await LoadAsync(slug))!;
    }
}
