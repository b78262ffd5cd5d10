using System.Net;
using System.Net.Http.Json;
using System.Text;
using ControlPlane.Api.Contracts;
using ControlPlane.Tests.Harness;

namespace ControlPlane.Tests.Api;

public sealed class TenantDataShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task CreateReadUpdateAndDeleteARowOfEveryResource()
    {
        var slug = TestSlugs.New("crud");
        await fixture.Client.OnboardAsync(slug);
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);
        var team = await CreateAsync(http, "teams", new { name = "Payments", description = "moves money" });
        var environment = await CreateAsync(http, "environments", new { name = "qa", cloud_provider_id = 1 });
        var component = await CreateAsync(http, "components", new { name = "ledger", team_id = team["id"], service_type_id = 1 });
        var resources = new (string Path, object Body, object Change, string Field)[]
        {
            ("teams", new { name = "Search" }, new { description = "finds things" }, "description"),
            ("users", new { email = "ada@example.com", name = "Ada", team_id = team["id"] }, new { role = "admin" }, "role"),
            ("components", new { name = "indexer", repository_url = "https://git.example/indexer" }, new { description = "indexes" }, "description"),
            ("environments", new { name = "perf" }, new { description = "load tests" }, "description"),
            ("tags", new { name = "pci", color = "#00ff00" }, new { color = "#ff0000" }, "color"),
            ("versions", new { component_id = component["id"], environment_id = environment["id"], version = "1.0.0" }, new { notes = "first" }, "notes"),
        };

        foreach (var (path, body, change, field) in resources)
        {
            var created = await CreateAsync(http, path, body);
            var id = created["id"]!.ToString();
            var read = await http.GetFromJsonAsync<Dictionary<string, object?>>($"/v1/me/{path}/{id}", TenantsClient.Json);
            using var patch = await http.PatchAsJsonAsync($"/v1/me/{path}/{id}", change);
            var patched = await patch.Content.ReadFromJsonAsync<Dictionary<string, object?>>(TenantsClient.Json);
            using var delete = await http.DeleteAsync($"/v1/me/{path}/{id}");
            using var gone = await http.GetAsync($"/v1/me/{path}/{id}");

            Assert.Equal(id, read!["id"]!.ToString());
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
            Assert.Equal(change.GetType().GetProperty(field)!.GetValue(change)!.ToString(), patched![field]!.ToString());
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal(404, (await Problem.ReadAsync(gone)).Status);
        }
    }

    [Theory]
    [InlineData("teams", """{"description":"no name"}""", "name")]
    [InlineData("teams", """{"name":"x","owner":"me"}""", "owner")]
    [InlineData("teams", """{"name":"x","tenant":"someone_else"}""", "tenant")]
    [InlineData("teams", """{"name":"x","id":7}""", "id")]
    [InlineData("teams", """{"name":42}""", "name")]
    [InlineData("teams", """{"name":null}""", "name")]
    [InlineData("users", """{"email":"no-at-sign","name":"Bob"}""", "email")]
    [InlineData("users", """{"email":"b@example.com","name":"Bob","role":"emperor"}""", "role")]
    [InlineData("users", """{"email":"b@example.com","name":"Bob","team_id":999999}""", "team_id")]
    [InlineData("users", """{"email":"b@example.com","name":"Bob","team_id":"one"}""", "team_id")]
    [InlineData("tags", """{"name":"x","color":"red"}""", "color")]
    [InlineData("versions", """{"component_id":1,"environment_id":1,"version":"1","deployed_at":"yesterday"}""", "deployed_at")]
    [InlineData("teams", """[1,2]""", "body")]
    [InlineData("teams", """{"name":""", "name")]
    public async Task RefuseBadInputWith400NamingTheField(string path, string body, string field)
    {
        var slug = TestSlugs.New("bad");
        await fixture.Client.OnboardAsync(slug);
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await http.PostAsync($"/v1/me/{path}", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.True(problem.Errors?.ContainsKey(field), $"errors should name '{field}': {problem.Detail}");
    }

    [Fact]
    public async Task AnswerAUniqueViolationWith409NamingTheField()
    {
        var slug = TestSlugs.New("dup");
        await fixture.Client.OnboardAsync(slug);
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);
        await CreateAsync(http, "users", new { email = "dup@example.com", name = "First" });

        using var again = await http.PostAsJsonAsync("/v1/me/users", new { email = "DUP@example.com", name = "Second" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.True((await Problem.ReadAsync(again)).Errors?.ContainsKey("email"));
    }

    [Fact]
    public async Task PageThroughEveryRowOnceWithTheOpaqueCursor()
    {
        var slug = TestSlugs.New("page");
        await fixture.Client.OnboardAsync(slug);
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);
        for (var i = 0; i < 7; i++)
        {
            await CreateAsync(http, "tags", new { name = $"tag-{i}" });
        }

        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await http.GetFromJsonAsync<TenantRowListResponse>($"/v1/me/tags?limit=3{(next is null ? "" : "&after=" + next)}", TenantsClient.Json);
            seen.AddRange(page!.Items.Select(t => t["name"]!.ToString()!));
            next = page.Next;
            pages++;
        }
        while (next is not null && pages < 10);
        using var badCursor = await http.GetAsync("/v1/me/tags?after=not-a-cursor");
        using var badLimit = await http.GetAsync("/v1/me/tags?limit=0");

        Assert.Equal(4, pages);
        Assert.Equal(["critical", "internal", "deprecated", .. Enumerable.Range(0, 7).Select(i => $"tag-{i}")], seen);
        Assert.True((await Problem.ReadAsync(badCursor)).Errors?.ContainsKey("after"));
        Assert.True((await Problem.ReadAsync(badLimit)).Errors?.ContainsKey("limit"));
    }

    [Fact]
    public async Task AnswerAMissingRowWith404AndABadIdWith400()
    {
        var slug = TestSlugs.New("miss");
        await fixture.Client.OnboardAsync(slug);
        using var http = TenantTokens.ClientFor(fixture.Silo, slug);

        using var missing = await http.GetAsync("/v1/me/components/987654");
        using var patchMissing = await http.PatchAsJsonAsync("/v1/me/components/987654", new { description = "x" });
        using var deleteMissing = await http.DeleteAsync("/v1/me/components/987654");
        using var badId = await http.GetAsync("/v1/me/components/abc");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patchMissing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteMissing.StatusCode);
        Assert.True((await Problem.ReadAsync(badId)).Errors?.ContainsKey("id"));
    }

    private static async Task<Dictionary<string, object?>> CreateAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync($"/v1/me/{path}", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /v1/me/{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var row = (await response.Content.ReadFromJsonAsync<Dictionary<string, object?>>(TenantsClient.Json))!;
        Assert.Equal($"/v1/me/{path}/{row["id"]}", response.Headers.Location?.ToString());
        return row;
    }
}
