namespace ControlPlane.Api.Contracts;

/// <summary>Body of <c>POST /v1/webhooks</c>.</summary>
/// <param name="Url">An absolute http or https URL deliveries are POSTed to.</param>
/// <param name="Events">Event names to receive (<c>tenant.active</c>, ..., or <c>*</c> for all).</param>
/// <param name="Secret">16 to 256 characters; each delivery is signed with it. Never shown again.</param>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string?>? Events, string? Secret);
