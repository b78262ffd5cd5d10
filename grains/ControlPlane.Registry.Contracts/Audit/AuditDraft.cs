namespace ControlPlane.Registry.Contracts.Audit;

/// <summary>A platform action to record; the registry assigns its id and time.</summary>
public sealed record AuditDraft(string Actor, string Action, string? Tenant, string? Target, int Status, string? Detail)
{
    /// <summary><c>succeeded</c> (2xx, 3xx), <c>refused</c> (4xx) or <c>failed</c> (5xx).</summary>
    public string Outcome => Status switch
    {
        < 400 => "succeeded",
        < 500 => "refused",
        _ => "failed",
    };
}
