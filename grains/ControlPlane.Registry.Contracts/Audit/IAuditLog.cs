namespace ControlPlane.Registry.Contracts.Audit;

/// <summary>The audit log in the registry (<c>controlplane.audit_log</c>): append-only, read newest first.</summary>
public interface IAuditLog
{
    /// <summary>Records one action.</summary>
    Task AppendAsync(AuditDraft draft, CancellationToken cancellationToken);

    /// <summary>
    /// Entries newest first, for one tenant or all, older than <paramref name="beforeId"/> when given; at most
    /// <paramref name="limit"/>. The page's last id is the next page's <paramref name="beforeId"/>.
    /// </summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(string? tenant, long? beforeId, int limit, CancellationToken cancellationToken);
}
