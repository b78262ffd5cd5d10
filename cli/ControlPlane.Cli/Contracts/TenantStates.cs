namespace ControlPlane.Cli.Contracts;

/// <summary>The tenant states the client reasons about (the server's <c>TenantStatus</c> names).</summary>
internal static class TenantStates
{
    public const string Active = "Active";
    public const string Failed = "Failed";
    public const string Suspended = "Suspended";
    public const string Deleted = "Deleted";
    public const string Retained = "Retained";

    /// <summary>
    /// A state that stays until an operator acts: Active, Suspended, Deleted, Retained (until its purge time), or Failed
    /// with no automatic retry left. A Failed tenant with a retry scheduled is still on its way.
    /// </summary>
    public static bool IsSettled(TenantResponse tenant) => tenant.State switch
    {
        Active or Suspended or Deleted or Retained => true,
        Failed => tenant.NextRetryAt is null,
        _ => false,
    };
}
