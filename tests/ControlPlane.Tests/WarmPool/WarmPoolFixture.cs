using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.WarmPool;

/// <summary>One silo with a warm pool of <see cref="Size"/> schemas, shared by the tests of one class.</summary>
public sealed class WarmPoolFixture : SiloFixture
{
    public const int Size = 3;

    protected override SiloFactory CreateSilo() => new(Database.ConnectionString, new Dictionary<string, string?>
    {
        ["ControlPlane:Tenants:WarmPoolSize"] = Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
}

/// <summary>Reads <c>GET /v1/pool</c> and waits on it.</summary>
public static class WarmPoolProbe
{
    public static async Task<WarmPoolResponse> GetAsync(TenantsClient client) =>
        (await client.Http.GetFromJsonAsync<WarmPoolResponse>("/v1/pool", TenantsClient.Json))!;

    /// <summary>Waits until the pool holds <paramref name="ready"/> claimable schemas at <paramref name="version"/> and nothing else.</summary>
    public static Task<WarmPoolResponse> WaitFullAsync(TenantsClient client, int ready, int version = 3) =>
        Eventually.ReadsAsync(
            () => GetAsync(client),
            p => p.Ready == ready && p.Refilling == 0 && p.Stale == 0 && p.CatalogueVersion == version,
            $"the warm pool to hold {ready} ready schemas at version {version} and nothing else",
            p => $"size {p.Size}, ready {p.Ready}, refilling {p.Refilling}, stale {p.Stale}, catalogue V{p.CatalogueVersion}",
            TimeSpan.FromSeconds(90));

    /// <summary>The pool schema a tenant's timeline says it claimed, or null when it was built.</summary>
    public static string? ClaimedSchema(TenantResponse tenant) =>
        tenant.Timeline.Select(e => e.Detail).FirstOrDefault(d => d?.StartsWith("claimed warm pool schema ", StringComparison.Ordinal) == true)
            ?.Split(' ')[4];
}
