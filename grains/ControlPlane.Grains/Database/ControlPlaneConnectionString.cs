namespace ControlPlane.Grains.Database;

/// <summary>The resolved admin connection string: configured, or produced by the silo's private server.</summary>
public sealed record ControlPlaneConnectionString(string Value);
