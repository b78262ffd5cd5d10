using ControlPlane.Registry.Contracts.Audit;

namespace ControlPlane.Api.Contracts;

/// <summary>One platform action in the audit log.</summary>
public sealed record AuditEntryResponse(
    long Id, DateTimeOffset At, string Actor, string Action, string? Tenant, string? Target, int Status, string Outcome, string? Detail)
{
    public static AuditEntryResponse From(AuditEntry entry) => new(
        entry.Id, entry.At, entry.Actor, entry.Action, entry.Tenant, entry.Target, entry.Status, entry.Outcome, entry.Detail);
}

/// <summary>A page of the audit log, newest first; pass <see cref="Next"/> as <c>after</c> for older entries (null on the last).</summary>
public sealed record AuditListResponse(IReadOnlyList<AuditEntryResponse> Items, string? Next);
