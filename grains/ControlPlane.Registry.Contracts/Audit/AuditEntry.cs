namespace ControlPlane.Registry.Contracts.Audit;

/// <summary>One recorded platform action.</summary>
/// <param name="Id">Grows with every entry: the paging key.</param>
/// <param name="At">When it was recorded (the database clock).</param>
/// <param name="Actor">Who: the API key's name or the token's subject.</param>
/// <param name="Action">What, e.g. <c>tenant.suspend</c>, <c>rollout.start</c>, <c>api-key.revoke</c>.</param>
/// <param name="Tenant">The tenant it was about, if any.</param>
/// <param name="Target">The rollout or API key it was about, if any.</param>
/// <param name="Status">The HTTP status the caller got.</param>
/// <param name="Outcome"><c>succeeded</c> (2xx), <c>refused</c> (4xx) or <c>failed</c> (5xx).</param>
/// <param name="Detail">What else identifies it (a key's name and scope, a problem's title).</param>
public sealed record AuditEntry(
    long Id, DateTimeOffset At, string Actor, string Action, string? Tenant, string? Target, int Status, string Outcome, string? Detail);
