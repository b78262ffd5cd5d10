namespace ControlPlane.Api.Auth;

/// <summary>Who an API key belongs to and what it may do.</summary>
/// <param name="Name">The key's name (recorded as the actor of what it does).</param>
/// <param name="Scope"><c>platform:admin</c>, <c>platform:read</c>, or <c>tenant:&lt;slug&gt;</c>.</param>
public sealed record ApiKeyIdentity(string Name, string Scope);
