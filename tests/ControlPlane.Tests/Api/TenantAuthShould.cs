using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

public sealed class TenantAuthShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    public static TheoryData<string, string> ForgedTokens => new()
    {
        { "unsigned", "not signed" },
        { "wrong key", "signature does not verify" },
        { "expired", "expired" },
        { "wrong audience", "audience" },
        { "wrong issuer", "issuer" },
        { "missing tenant claim", "no 'tenant' claim" },
        { "tenant claim not a slug", "not a tenant slug" },
        { "not a jwt", "well-formed" },
    };

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task RefuseAForgedOrInvalidTokenWith401NamingWhy(string forgery, string expectedReason)
    {
        var slug = TestSlugs.New("auth");
        await fixture.Client.OnboardAsync(slug);
        var token = forgery switch
        {
            "unsigned" => TenantTokens.WithoutSignature(slug),
            "wrong key" => TenantTokens.For(slug, key: "another-signing-key-0123456789abcdefghij"),
            "expired" => TenantTokens.For(slug, expiresIn: TimeSpan.FromMinutes(-5)),
            "wrong audience" => TenantTokens.For(slug, audience: "someone-else"),
            "wrong issuer" => TenantTokens.For(slug, issuer: "https://evil.example"),
            "missing tenant claim" => TenantTokens.For(null),
            "tenant claim not a slug" => TenantTokens.For(null, claimValue: "Robert'); DROP SCHEMA x;--"),
            _ => "not-a-jwt",
        };
        using var http = TenantTokens.Client(fixture.Silo, token);

        using var response = await http.GetAsync("/v1/me/teams");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Contains(expectedReason, problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(slug + " Ltd", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerATenantRequestWithoutAnyCredentialWith401()
    {
        using var http = fixture.Silo.CreateClient();

        using var response = await http.GetAsync("/v1/me/components");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, (await Problem.ReadAsync(response)).Status);
    }

    [Fact]
    public async Task RefuseAValidTokenForATenantThatDoesNotExistWith403()
    {
        var slug = TestSlugs.New("ghost");
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);

        using var response = await http.GetAsync("/v1/me/teams");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains($"Tenant '{slug}' does not exist", (await Problem.ReadAsync(response)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefuseASuspendedTenantsTokenWith403SayingSuspendedAndServeItAgainAfterResume()
    {
        var slug = TestSlugs.New("susp");
        await fixture.Client.OnboardAsync(slug);
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);
        using var before = await http.GetAsync("/v1/me/teams");

        using var suspend = await fixture.Client.PostActionAsync(slug, "suspend");
        using var whileSuspended = await http.GetAsync("/v1/me/teams");
        using var resume = await fixture.Client.PostActionAsync(slug, "resume");
        using var afterResume = await http.GetAsync("/v1/me/teams");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, whileSuspended.StatusCode);
        var problem = await Problem.ReadAsync(whileSuspended);
        Assert.Equal("Tenant suspended", problem.Title);
        Assert.Contains("suspended", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterResume.StatusCode);
    }

    [Fact]
    public async Task RefuseATenantTokenOnEveryPlatformEndpointWith403()
    {
        var slug = TestSlugs.New("plat");
        await fixture.Client.OnboardAsync(slug);
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);

        using var list = await http.GetAsync("/v1/tenants");
        using var own = await http.GetAsync($"/v1/tenants/{slug}");
        using var create = await http.PostAsJsonAsync("/v1/tenants", new { slug = TestSlugs.New("x"), displayName = "X" });
        using var suspend = await http.PostAsync($"/v1/tenants/{slug}/suspend", null);
        using var keys = await http.GetAsync("/v1/api-keys");

        foreach (var response in new[] { list, own, create, suspend, keys })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("tenant credential", (await Problem.ReadAsync(response)).Detail, StringComparison.Ordinal);
        }

        Assert.Equal(TenantStatus.Active, (await fixture.Client.GetAsync(slug))!.State);
    }

    [Fact]
    public async Task RefuseThePlatformAdminKeyOnTenantDataBecauseItActsForNoTenant()
    {
        using var response = await fixture.Client.Http.GetAsync("/v1/me/components");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("acts for no tenant", (await Problem.ReadAsync(response)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TakeTheTenantFromTheFirstCognitoGroupWhenConfiguredSo()
    {
        var slug = TestSlugs.New("cog");
        await fixture.Client.OnboardAsync(slug);
        await using var cognitoSilo = new SiloFactory(fixture.Database.ConnectionString, new Dictionary<string, string?>
        {
            ["ControlPlane:Auth:Jwt:TenantClaim"] = "cognito:groups",
        });
        var token = TenantTokens.For(null, claim: "cognito:groups", claimValue: new[] { slug, "another_group" });
        using var http = TenantTokens.Client(cognitoSilo, token);
        using var defaultHttp = TenantTokens.Client(fixture.Silo, token);

        var me = await http.GetFromJsonAsync<MeResponse>("/v1/me", TenantsClient.Json);
        using var onDefaultClaim = await defaultHttp.GetAsync("/v1/me");

        Assert.Equal(slug, me!.Tenant);
        Assert.Equal($"tenant_{slug}", me.Schema);
        Assert.Equal(HttpStatusCode.Unauthorized, onDefaultClaim.StatusCode);
    }
}
