using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Api.Auth;

/// <summary>
/// Authenticates callers by the <c>X-Api-Key</c> header: platform keys, and tenant-scoped keys that act as their
/// tenant on <c>/v1/me</c>. Answers 401/403 as problem details.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IApiKeyStore keys,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || string.IsNullOrEmpty(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }

        var identity = await keys.FindAsync(values.ToString(), Context.RequestAborted);
        if (identity is null)
        {
            return AuthenticateResult.Fail($"The {HeaderName} header holds a key that is not valid (unknown or revoked).");
        }

        List<Claim> claims = [new(ClaimTypes.Name, identity.Name), new(ControlPlaneScopes.ClaimType, identity.Scope)];
        if (ControlPlaneScopes.TenantOf(identity.Scope) is { } tenant)
        {
            claims.Add(new Claim(ControlPlaneScopes.TenantClaimType, tenant));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = AuthProblems.FailureOf(await HandleAuthenticateOnceSafeAsync());
        await AuthProblems.WriteUnauthorizedAsync(
            Context,
            problems,
            failure ?? $"Send a platform API key in the {HeaderName} header (or a tenant's token as Authorization: Bearer).",
            $"{SchemeName} header=\"{HeaderName}\"");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AuthProblems.WriteForbiddenAsync(Context, problems);
}
