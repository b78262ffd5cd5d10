using System.Net;
using System.Text;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

/// <summary>Every malformed request gets a 400 problem naming the field, and leaves nothing behind.</summary>
public sealed class BadInputShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    public static TheoryData<string?, string> BadSlugs => new()
    {
        { null, "required" },
        { "", "required" },
        { "Acme", "lower-case" },
        { "9lives", "lower-case" },
        { "_acme", "lower-case" },
        { "acme-corp", "'-' is not allowed" },
        { "acme corp", "' ' is not allowed" },
        { "acmé", "'é' is not allowed" },
        { "acme;drop", "';' is not allowed" },
        { "acme\"x", "'\"' is not allowed" },
        { "acme\u0000", "\\u0000" },
        { new string('a', 57), "63-byte" },
        { "public", "reserved" },
        { "information_schema", "reserved" },
        { "controlplane", "reserved" },
        { "pg_toast", "reserved" },
        { "pg_anything", "reserved" },
    };

    [Theory]
    [MemberData(nameof(BadSlugs))]
    public async Task RefuseABadSlugNamingTheSlugField(string? slug, string reason)
    {
        using var response = await fixture.Client.Http.PostAsync("/v1/tenants", Json(new { slug, displayName = "Acme" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Contains(reason, Assert.Single(problem.Errors!["slug"]), StringComparison.Ordinal);
        await AssertNothingRegisteredAsync(slug);
    }

    [Fact]
    public async Task AcceptTheLongestSlugThatFitsTheIdentifierLimit()
    {
        var slug = "l" + TestSlugs.New()[2..] + new string('x', 56 - 11);
        Assert.Equal(56, slug.Length);

        var tenant = await fixture.Client.OnboardAsync(slug);

        Assert.Equal(63, tenant.Schema.Length);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = $1", tenant.Schema));
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("   ", "required")]
    [InlineData("Bad\u0007Bell", "control characters")]
    public async Task RefuseABadDisplayNameNamingTheField(string? displayName, string reason)
    {
        var slug = TestSlugs.New("dn");

        using var response = await fixture.Client.Http.PostAsync("/v1/tenants", Json(new { slug, displayName }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, Assert.Single((await Problem.ReadAsync(response)).Errors!["displayName"]), StringComparison.Ordinal);
        await AssertNothingRegisteredAsync(slug);
    }

    [Fact]
    public async Task RefuseAnOverlongDisplayName()
    {
        var slug = TestSlugs.New("dn");

        using var response = await fixture.Client.Http.PostAsync("/v1/tenants", Json(new { slug, displayName = new string('n', 201) }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 200", Assert.Single((await Problem.ReadAsync(response)).Errors!["displayName"]), StringComparison.Ordinal);
        await AssertNothingRegisteredAsync(slug);
    }

    [Theory]
    [InlineData("{\"slug\": \"ok_slug\", \"displayName\": 42}", "displayName")]
    [InlineData("{\"slug\": [\"x\"], \"displayName\": \"X\"}", "slug")]
    [InlineData("{\"slug\": \"ok_slug\", \"displayName\": \"X\", \"plan\": \"gold\"}", "plan")]
    [InlineData("{\"slug\": \"ok_slug\", ", "body")]
    public async Task RefuseMalformedJsonNamingTheField(string body, string field)
    {
        using var response = await fixture.Client.Http.PostAsync("/v1/tenants", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.True(problem.Errors!.ContainsKey(field), $"errors name {string.Join(", ", problem.Errors.Keys)}, expected {field}");
        await AssertNothingRegisteredAsync("ok_slug");
    }

    [Theory]
    [InlineData("/v1/tenants?state=Sleeping", "state")]
    [InlineData("/v1/tenants?limit=0", "limit")]
    [InlineData("/v1/tenants?limit=501", "limit")]
    [InlineData("/v1/tenants?after=not-a-cursor", "after")]
    [InlineData("/v1/tenants/Not_A_Slug", "slug")]
    public async Task RefuseBadQueryAndPathValuesNamingThem(string url, string field)
    {
        using var response = await fixture.Client.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Problem.ReadAsync(response)).Errors!.ContainsKey(field));
    }

    [Fact]
    public async Task RefuseAStaleIfMatchWith412AndChangeNothing()
    {
        var slug = TestSlugs.New("etag");
        var tenant = await fixture.Client.OnboardAsync(slug);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{slug}/suspend");
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{tenant.Etag - 1}\"");

        using var response = await fixture.Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Contains($"etag is {tenant.Etag}", (await Problem.ReadAsync(response)).Detail);
        Assert.Equal(TenantStatus.Active, (await fixture.Client.GetAsync(slug))!.State);
    }

    private static StringContent Json(object value) =>
        new(System.Text.Json.JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private async Task AssertNothingRegisteredAsync(string? slug)
    {
        // PostgreSQL text cannot hold NUL; look for the rest of the name instead.
        slug = slug?.Replace("\0", string.Empty, StringComparison.Ordinal);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM controlplane.tenants WHERE slug = $1", slug ?? string.Empty));
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = $1", "tenant_" + slug));
    }
}
