namespace ControlPlane.Runtime;

/// <summary>
/// Marks a grain method that may run while another turn of the same grain is in progress,
/// as Orleans' <c>[AlwaysInterleave]</c>. Use it only for methods that change no grain state.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class AlwaysInterleaveAttribute : Attribute;
