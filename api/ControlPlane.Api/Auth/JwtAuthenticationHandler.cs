using System.Security.Claims;
using System.Text.Encodings.Web;
using ControlPlane.Grains.Tenants;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ControlPlane.Api.Auth;

/// <summary>
/// Authenticates tenant callers by <c>Authorization: Bearer &lt;JWT&gt;</c>: signature, issuer, audience and lifetime
/// checked, algorithms restricted to HS256 (configured key) and RS256 (JWKS), then the tenant taken from the configured
/// claim. A small handler over <see cref="JsonWebTokenHandler"/> rather than the JwtBearer package: the package source
/// has only JwtBearer 8.x, built for ASP.NET Core 8, and all we need is one validation call whose parameters we set
/// in full (including <c>ValidAlgorithms</c>, so <c>alg: none</c> and algorithm confusion cannot get through).
/// </summary>
public sealed class JwtAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptionsMonitor<JwtAuthOptions> jwt,
    JwtSigningKeys signingKeys,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    private static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var o = jwt.CurrentValue;
        if (!o.Enabled)
        {
            return AuthenticateResult.Fail("Bearer tokens are not accepted here: no signing key is configured (ControlPlane:Auth:Jwt).");
        }

        var token = header[(SchemeName.Length + 1)..].Trim();
        var result = await ValidateAsync(token, o, refetch: false);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException && !string.IsNullOrEmpty(o.JwksUrl))
        {
            result = await ValidateAsync(token, o, refetch: true); // perhaps the issuer rotated its keys
        }

        if (!result.IsValid)
        {
            return AuthenticateResult.Fail($"The bearer token is not valid: {Describe(result.Exception, o)}.");
        }

        var claimed = ((JsonWebToken)result.SecurityToken).Claims.FirstOrDefault(c => c.Type == o.TenantClaim)?.Value;
        if (string.IsNullOrEmpty(claimed))
        {
            return AuthenticateResult.Fail($"The bearer token names no tenant: it has no '{o.TenantClaim}' claim.");
        }

        if (!TenantSlug.TryParse(claimed, out var slug, out var error))
        {
            return AuthenticateResult.Fail($"The bearer token's '{o.TenantClaim}' claim is not a tenant slug: {error}");
        }

        var subject = ((JsonWebToken)result.SecurityToken).Subject;
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, string.IsNullOrEmpty(subject) ? $"token of {slug.Value}" : subject),
                new Claim(ControlPlaneScopes.ClaimType, ControlPlaneScopes.ForTenant(slug.Value)),
                new Claim(ControlPlaneScopes.TenantClaimType, slug.Value),
            ],
            SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = AuthProblems.FailureOf(await HandleAuthenticateOnceSafeAsync()) ?? "Send a tenant's token as Authorization: Bearer <JWT>.";
        await AuthProblems.WriteUnauthorizedAsync(Context, problems, failure, $"{SchemeName} error=\"invalid_token\"");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AuthProblems.WriteForbiddenAsync(Context, problems);

    private async Task<TokenValidationResult> ValidateAsync(string token, JwtAuthOptions o, bool refetch)
    {
        var (keys, algorithms) = await signingKeys.GetAsync(refetch, Context.RequestAborted);
        return await Tokens.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = o.Issuer,
            ValidAudience = o.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = keys,
            ValidAlgorithms = algorithms,
            TryAllIssuerSigningKeys = true,
            ClockSkew = o.ClockSkew,
        });
    }

    // IdentityModel hides details of its messages (PII); the exception type says what we can tell the caller.
    private static string Describe(Exception? error, JwtAuthOptions o) => error switch
    {
        SecurityTokenExpiredException => "it has expired",
        SecurityTokenNotYetValidException => "it is not valid yet",
        SecurityTokenNoExpirationException => "it has no expiry (exp)",
        SecurityTokenInvalidAudienceException => $"its audience is not '{o.Audience}'",
        SecurityTokenInvalidIssuerException => $"its issuer is not '{o.Issuer}'",
        SecurityTokenInvalidAlgorithmException => "it is signed with an algorithm this API does not accept",
        SecurityTokenInvalidSignatureException => "its signature does not verify (or it is not signed)",
        SecurityTokenMalformedException or ArgumentException => "it is not a well-formed JWT",
        _ => "it could not be validated",
    };
}
