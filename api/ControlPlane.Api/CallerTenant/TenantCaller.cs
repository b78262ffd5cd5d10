using System.Security.Claims;
using ControlPlane.Api.Auth;

namespace ControlPlane.Api.CallerTenant;

/// <summary>The tenant a request acts for: from its credential only, never from the URL or the body.</summary>
internal static class TenantCaller
{
    /// <summary>The caller's tenant slug; a request without one is refused (fail closed), though the policy already did.</summary>
    public static string SlugOf(ClaimsPrincipal user) =>
        user.FindFirst(ControlPlaneScopes.TenantClaimType)?.Value
        ?? throw new MissingTenantContextException();
}

/// <summary>A tenant endpoint reached without a tenant credential (answered as 403).</summary>
internal sealed class MissingTenantContextException()
    : Exception("This credential acts for no tenant; tenant data needs a tenant's bearer token or a tenant-scoped API key.");
