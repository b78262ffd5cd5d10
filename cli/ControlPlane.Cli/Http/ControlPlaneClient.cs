using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ControlPlane.Cli.Contracts;

namespace ControlPlane.Cli.Http;

/// <summary>The control plane's HTTP API, endpoint by endpoint. Every error answer becomes an <see cref="ApiProblemException"/>.</summary>
internal sealed class ControlPlaneClient(HttpClient http)
{
    public Uri BaseAddress => http.BaseAddress!;

    public Task<ApiResult<TenantListResponse>> ListTenantsAsync(
        string? state, int limit, string? after, CancellationToken cancellationToken, IReadOnlyList<string>? labels = null, string? search = null, int? version = null,
        string? tier = null)
    {
        var query = new List<string> { "limit=" + limit.ToString(CultureInfo.InvariantCulture) };
        if (!string.IsNullOrEmpty(tier))
        {
            query.Add("tier=" + Uri.EscapeDataString(tier));
        }

        query.AddRange((labels ?? []).Select(l => "label=" + Uri.EscapeDataString(l)));
        if (!string.IsNullOrEmpty(search))
        {
            query.Add("q=" + Uri.EscapeDataString(search));
        }

        if (version is { } v)
        {
            query.Add("version=" + v.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(state))
        {
            query.Add("state=" + Uri.EscapeDataString(state));
        }

        if (!string.IsNullOrEmpty(after))
        {
            query.Add("after=" + Uri.EscapeDataString(after));
        }

        return SendAsync<TenantListResponse>(new HttpRequestMessage(HttpMethod.Get, "v1/tenants?" + string.Join('&', query)), cancellationToken);
    }

    public Task<ApiResult<TenantResponse>> GetTenantAsync(string slug, CancellationToken cancellationToken) =>
        SendAsync<TenantResponse>(new HttpRequestMessage(HttpMethod.Get, TenantPath(slug)), cancellationToken);

    /// <summary>
    /// The server's waiting GET: answers as soon as the tenant's ETag differs from <paramref name="etag"/>, or null
    /// (304) when <paramref name="wait"/> passed with nothing new.
    /// </summary>
    public async Task<ApiResult<TenantResponse>?> WaitForTenantChangeAsync(string slug, long etag, TimeSpan wait, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, TenantPath(slug));
        request.Headers.TryAddWithoutValidation("If-None-Match", $"\"{etag.ToString(CultureInfo.InvariantCulture)}\"");
        request.Headers.TryAddWithoutValidation("Prefer", "wait=" + Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        return await SendAsync<TenantResponse>(request, notModifiedIsNull: true, cancellationToken);
    }

    public Task<ApiResult<TenantResponse>> CreateTenantAsync(CreateTenantRequest body, CancellationToken cancellationToken) =>
        SendAsync<TenantResponse>(new HttpRequestMessage(HttpMethod.Post, "v1/tenants") { Content = JsonContent.Create(body, options: CliJson.Api) }, cancellationToken);

    public Task<ApiResult<TenantResponse>> AdoptTenantAsync(AdoptTenantRequest body, CancellationToken cancellationToken) =>
        SendAsync<TenantResponse>(new HttpRequestMessage(HttpMethod.Post, "v1/tenants/adopt") { Content = JsonContent.Create(body, options: CliJson.Api) }, cancellationToken);

    public Task<ApiResult<TenantResponse>> UpdateTenantLabelsAsync(string slug, UpdateTenantRequest body, CancellationToken cancellationToken) =>
        SendAsync<TenantResponse>(new HttpRequestMessage(HttpMethod.Patch, TenantPath(slug)) { Content = JsonContent.Create(body, options: CliJson.Api) }, cancellationToken);

    /// <summary><c>retry</c>, <c>suspend</c> or <c>resume</c>.</summary>
    public Task<ApiResult<TenantResponse>> ActOnTenantAsync(string slug, string action, CancellationToken cancellationToken) =>
        SendAsync<TenantResponse>(new HttpRequestMessage(HttpMethod.Post, $"{TenantPath(slug)}/{action}"), cancellationToken);

    /// <summary><c>POST /v1/tenants/{slug}/move</c> to <paramref name="tier"/> (<c>schema</c> or <c>pooled</c>).</summary>
    public Task<ApiResult<TenantResponse>> MoveTenantAsync(string slug, string tier, CancellationToken cancellationToken) =>
        SendAsync<TenantResponse>(new HttpRequestMessage(HttpMethod.Post, $"{TenantPath(slug)}/move") { Content = JsonContent.Create(new { tier }, options: CliJson.Api) }, cancellationToken);

    public Task<ApiResult<BackupResponse>> StartBackupAsync(string slug, CancellationToken cancellationToken) =>
        SendAsync<BackupResponse>(new HttpRequestMessage(HttpMethod.Post, $"{TenantPath(slug)}/backups"), cancellationToken);

    public Task<ApiResult<BackupResponse>> GetBackupAsync(string slug, string id, CancellationToken cancellationToken) =>
        SendAsync<BackupResponse>(new HttpRequestMessage(HttpMethod.Get, $"{TenantPath(slug)}/backups/{Uri.EscapeDataString(id)}"), cancellationToken);

    public Task<ApiResult<BackupListResponse>> ListBackupsAsync(string slug, CancellationToken cancellationToken) =>
        SendAsync<BackupListResponse>(new HttpRequestMessage(HttpMethod.Get, $"{TenantPath(slug)}/backups"), cancellationToken);

    public Task<ApiResult<RestoreResponse>> RestoreAsync(string slug, RestoreRequest body, CancellationToken cancellationToken) =>
        SendAsync<RestoreResponse>(new HttpRequestMessage(HttpMethod.Post, $"{TenantPath(slug)}/restore") { Content = JsonContent.Create(body, options: CliJson.Api) }, cancellationToken);

    public Task<ApiResult<TenantResponse>> DeleteTenantAsync(string slug, CancellationToken cancellationToken, string? retainFor = null) =>
        SendAsync<TenantResponse>(new HttpRequestMessage(
            HttpMethod.Delete, retainFor is null ? TenantPath(slug) : $"{TenantPath(slug)}?retainFor={Uri.EscapeDataString(retainFor)}"), cancellationToken);

    public Task<ApiResult<MigrationsResponse>> ListMigrationsAsync(CancellationToken cancellationToken) =>
        SendAsync<MigrationsResponse>(new HttpRequestMessage(HttpMethod.Get, "v1/migrations"), cancellationToken);

    public Task<ApiResult<RolloutResponse>> StartRolloutAsync(CreateRolloutRequest body, CancellationToken cancellationToken) =>
        SendAsync<RolloutResponse>(new HttpRequestMessage(HttpMethod.Post, "v1/rollouts") { Content = JsonContent.Create(body, options: CliJson.Api) }, cancellationToken);

    public Task<ApiResult<RolloutPlanResponse>> PlanRolloutAsync(CreateRolloutRequest body, string? tenant, CancellationToken cancellationToken) =>
        SendAsync<RolloutPlanResponse>(
            new HttpRequestMessage(HttpMethod.Post, "v1/rollouts/plan" + (tenant is null ? string.Empty : "?tenant=" + Uri.EscapeDataString(tenant)))
            {
                Content = JsonContent.Create(body, options: CliJson.Api),
            },
            cancellationToken);

    public Task<ApiResult<IReadOnlyList<RolloutResponse>>> ListRolloutsAsync(int limit, CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<RolloutResponse>>(new HttpRequestMessage(HttpMethod.Get, "v1/rollouts?limit=" + limit.ToString(CultureInfo.InvariantCulture)), cancellationToken);

    public Task<ApiResult<RolloutResponse>> GetRolloutAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<RolloutResponse>(new HttpRequestMessage(HttpMethod.Get, RolloutPath(id)), cancellationToken);

    /// <summary><c>pause</c>, <c>resume</c>, <c>cancel</c> or <c>retry-failed</c>.</summary>
    public Task<ApiResult<RolloutResponse>> ActOnRolloutAsync(string id, string action, CancellationToken cancellationToken) =>
        SendAsync<RolloutResponse>(new HttpRequestMessage(HttpMethod.Post, $"{RolloutPath(id)}/{action}"), cancellationToken);

    public Task<ApiResult<AuditListResponse>> ListAuditAsync(string? tenant, int limit, string? after, CancellationToken cancellationToken)
    {
        var query = new List<string> { "limit=" + limit.ToString(CultureInfo.InvariantCulture) };
        if (!string.IsNullOrEmpty(tenant))
        {
            query.Add("tenant=" + Uri.EscapeDataString(tenant));
        }

        if (!string.IsNullOrEmpty(after))
        {
            query.Add("after=" + Uri.EscapeDataString(after));
        }

        return SendAsync<AuditListResponse>(new HttpRequestMessage(HttpMethod.Get, "v1/audit?" + string.Join('&', query)), cancellationToken);
    }

    public Task<ApiResult<WarmPoolResponse>> GetPoolAsync(CancellationToken cancellationToken) =>
        SendAsync<WarmPoolResponse>(new HttpRequestMessage(HttpMethod.Get, "v1/pool"), cancellationToken);

    public Task<ApiResult<PooledPoliciesResponse>> GetPooledPoliciesAsync(CancellationToken cancellationToken) =>
        SendAsync<PooledPoliciesResponse>(new HttpRequestMessage(HttpMethod.Get, "v1/pooled/policies"), cancellationToken);

    /// <summary><c>enforce</c> or <c>shadow</c>.</summary>
    public Task<ApiResult<PooledPoliciesResponse>> SwitchPooledPoliciesAsync(string mode, CancellationToken cancellationToken) =>
        SendAsync<PooledPoliciesResponse>(new HttpRequestMessage(HttpMethod.Post, "v1/pooled/policies/" + mode), cancellationToken);

    public Task<ApiResult<WebhookResponse>> CreateWebhookAsync(CreateWebhookRequest body, CancellationToken cancellationToken) =>
        SendAsync<WebhookResponse>(new HttpRequestMessage(HttpMethod.Post, "v1/webhooks") { Content = JsonContent.Create(body, options: CliJson.Api) }, cancellationToken);

    public Task<ApiResult<WebhookListResponse>> ListWebhooksAsync(CancellationToken cancellationToken) =>
        SendAsync<WebhookListResponse>(new HttpRequestMessage(HttpMethod.Get, "v1/webhooks"), cancellationToken);

    public Task<ApiResult<WebhookResponse>> GetWebhookAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<WebhookResponse>(new HttpRequestMessage(HttpMethod.Get, WebhookPath(id)), cancellationToken);

    /// <summary>Removes a webhook (the API answers 204 with no body).</summary>
    public async Task DeleteWebhookAsync(string id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, WebhookPath(id));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ApiProblemException(ApiProblem.Parse(response.StatusCode, response.ReasonPhrase, body), $"DELETE /{request.RequestUri}");
        }
    }

    public Task<ApiResult<WebhookDeliveryListResponse>> ListWebhookDeliveriesAsync(string id, int limit, string? after, CancellationToken cancellationToken)
    {
        var query = "limit=" + limit.ToString(CultureInfo.InvariantCulture) + (string.IsNullOrEmpty(after) ? string.Empty : "&after=" + Uri.EscapeDataString(after));
        return SendAsync<WebhookDeliveryListResponse>(new HttpRequestMessage(HttpMethod.Get, $"{WebhookPath(id)}/deliveries?{query}"), cancellationToken);
    }

    private static string WebhookPath(string id) => "v1/webhooks/" + Uri.EscapeDataString(id);

    private static string TenantPath(string slug) => "v1/tenants/" + Uri.EscapeDataString(slug);

    private static string RolloutPath(string id) => "v1/rollouts/" + Uri.EscapeDataString(id);

    private async Task<ApiResult<T>> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken) =>
        (await SendAsync<T>(request, notModifiedIsNull: false, cancellationToken))!;

    private async Task<ApiResult<T>?> SendAsync<T>(HttpRequestMessage request, bool notModifiedIsNull, CancellationToken cancellationToken)
    {
        using (request)
        {
            var described = $"{request.Method} /{request.RequestUri}";
            using var response = await http.SendAsync(request, cancellationToken);
            if (notModifiedIsNull && response.StatusCode == HttpStatusCode.NotModified)
            {
                return null;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new ApiProblemException(ApiProblem.Parse(response.StatusCode, response.ReasonPhrase, body), described);
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                var json = document.RootElement.Clone();
                var value = json.Deserialize<T>(CliJson.Api) ?? throw new JsonException("The body is null.");
                return new ApiResult<T>(response.StatusCode, value, json);
            }
            catch (JsonException e)
            {
                throw new CliException(
                    $"{described} on {BaseAddress} answered {(int)response.StatusCode} with a body the client cannot read ({e.Message}); is that the control plane's API?",
                    ExitCodes.Unreachable);
            }
        }
    }
}
