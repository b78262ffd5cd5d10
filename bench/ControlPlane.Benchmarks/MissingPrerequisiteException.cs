namespace ControlPlane.Benchmarks;

/// <summary>A program or server a benchmark needs is not there; the message says exactly what to install or pass.</summary>
public sealed class MissingPrerequisiteException(string message) : Exception(message);
