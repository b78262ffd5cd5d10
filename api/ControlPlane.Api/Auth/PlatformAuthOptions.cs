namespace ControlPlane.Api.Auth;

/// <summary>Platform API keys from configuration (section <c>ControlPlane:Auth</c>).</summary>
public sealed class PlatformAuthOptions
{
    public const string SectionName = "ControlPlane:Auth";

    /// <summary>The bootstrap admin key (scope <c>platform:admin</c>), sent as <c>X-Api-Key</c>.</summary>
    public string? AdminApiKey { get; set; }

    /// <summary>Where the key came from when the host generated it (a file path); null when configured.</summary>
    public string? AdminApiKeySource { get; set; }
}
