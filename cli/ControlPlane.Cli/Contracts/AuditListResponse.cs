namespace ControlPlane.Cli.Contracts;

/// <summary>A page of <c>GET /v1/audit</c>, newest first; <see cref="Next"/> is the cursor of older entries.</summary>
internal sealed record AuditListResponse(IReadOnlyList<AuditEntryResponse> Items, string? Next);

/// <summary>One recorded platform action.</summary>
internal sealed record AuditEntryResponse(
    long Id, DateTimeOffset At, string Actor, string Action, string? Tenant, string? Target, int Status, string Outcome, string? Detail);
