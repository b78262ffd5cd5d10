using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ControlPlane.Api.Contracts;
using ControlPlane.Grains.Tenants;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

/// <summary>Clients follow a tenant with conditional, waiting GETs instead of polling.</summary>
public sealed class TenantWatchShould(TenantWatchFixture fixture) : IClassFixture<TenantWatchFixture>
{
    [Fact]
    public async Task AnswerAConditionalGetOfAnUnchangedTenantWith304()
    {
        var slug = TestSlugs.New("cond");
        var tenant = await fixture.Client.OnboardAsync(slug);

        using var response = await Get(slug, tenant.Etag, waitSeconds: null);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal($"\"{tenant.Etag}\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task ReturnAWaitingGetAsSoonAsTheTenantChanges()
    {
        var slug = TestSlugs.New("watch");
        var tenant = await fixture.Client.OnboardAsync(slug);
        var watch = Stopwatch.StartNew();

        var waiting = Get(slug, tenant.Etag, waitSeconds: 30);
        await fixture.Changes.Waiting(slug).WaitOrFailAsync(TimeSpan.FromSeconds(10), $"the GET of tenant '{slug}' to wait for a change");
        using var suspend = await fixture.Client.PostActionAsync(slug, "suspend");
        using var response = await waiting;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TenantStatus.Suspended, (await response.Content.ReadFromJsonAsync<TenantResponse>(TenantsClient.Json))!.State);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the waiting GET returned after {watch.Elapsed}, not when the tenant changed");
    }

    [Fact]
    public async Task AnswerAWaitingGetWith304WhenNothingChangesInTime()
    {
        var slug = TestSlugs.New("quiet");
        var tenant = await fixture.Client.OnboardAsync(slug);
        var watch = Stopwatch.StartNew();

        using var response = await Get(slug, tenant.Etag, waitSeconds: 1);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"returned after {watch.Elapsed}");
        Assert.Equal("wait=1", response.Headers.GetValues("Preference-Applied").Single());
    }

    private Task<HttpResponseMessage> Get(string slug, long etag, int? waitSeconds)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tenants/{slug}");
        request.Headers.TryAddWithoutValidation("If-None-Match", $"\"{etag}\"");
        if (waitSeconds is int seconds)
        {
            request.Headers.TryAddWithoutValidation("Prefer", $"wait={seconds}");
        }

        return fixture.Client.Http.SendAsync(request);
    }
}
