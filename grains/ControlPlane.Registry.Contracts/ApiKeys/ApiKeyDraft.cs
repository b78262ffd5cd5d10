namespace ControlPlane.Registry.Contracts.ApiKeys;

/// <summary>A key to store: its SHA-256 hash, never the secret.</summary>
public sealed record ApiKeyDraft(string Name, string Scope, string Prefix, byte[] Hash, string? CreatedBy);
