namespace ControlPlane.Runtime;

/// <summary>Thrown to a caller when the silo can take no grain calls (it is shutting down or rejoining the cluster).</summary>
public sealed class SiloUnavailableException(string message) : Exception(message);
