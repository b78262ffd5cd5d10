namespace ControlPlane.Api.Contracts;

/// <summary>Body of <c>POST /v1/api-keys</c>.</summary>
/// <param name="Name">Who or what the key is for (unique among unrevoked keys), at most 100 characters.</param>
/// <param name="Scope"><c>platform:admin</c>, <c>platform:read</c>, or <c>tenant:&lt;slug&gt;</c> for one tenant's data.</param>
public sealed record CreateApiKeyRequest(string? Name, string? Scope);
