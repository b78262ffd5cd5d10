namespace ControlPlane.Cli.Contracts;

/// <summary><c>GET /v1/pooled/policies</c>, and the answer of <c>POST .../enforce</c> and <c>.../shadow</c>.</summary>
internal sealed record PooledPoliciesResponse(
    string Schema, string Mode, string Isolation, bool Ready, int MigrationVersion, IReadOnlyList<PooledTablePolicyResponse> Tables, string? Previous, bool? Changed);

/// <summary>One pooled table's row-level security.</summary>
internal sealed record PooledTablePolicyResponse(
    string Table, bool HasTenantId, bool PolicyPresent, bool RowSecurityEnabled, bool Forced, bool TenantIndex, string Mode, bool AsMode, IReadOnlyList<string> NotReady);
