using Microsoft.AspNetCore.Builder;

namespace ControlPlane.Api.Audit;

/// <summary>Endpoint metadata: calls of this endpoint are platform actions, recorded in the audit log as <see cref="Name"/>.</summary>
public sealed record AuditedAction(string Name);

/// <summary>Marks endpoints as audited.</summary>
public static class AuditedActionExtensions
{
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder builder, string action) =>
        builder.WithMetadata(new AuditedAction(action));
}
