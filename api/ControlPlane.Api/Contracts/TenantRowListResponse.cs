namespace ControlPlane.Api.Contracts;

/// <summary>A page of a tenant's rows by id; pass <see cref="Next"/> as <c>after</c> for the next page (null on the last).</summary>
public sealed record TenantRowListResponse(IReadOnlyList<IReadOnlyDictionary<string, object?>> Items, string? Next);
