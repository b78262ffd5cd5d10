namespace ControlPlane.Api.Contracts;

/// <summary>Body of <c>PATCH /v1/tenants/{slug}</c>.</summary>
/// <param name="Labels">
/// A merge patch of the tenant's labels: a key with a string sets it, a key with <c>null</c> removes it, keys not
/// named stay as they are (<c>{"plan":"enterprise","trial":null}</c>).
/// </param>
public sealed record UpdateTenantRequest(IReadOnlyDictionary<string, string?>? Labels);
