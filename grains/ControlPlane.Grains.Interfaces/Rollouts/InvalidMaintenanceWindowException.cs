namespace ControlPlane.Grains.Rollouts;

/// <summary>A maintenance window that cannot be read; <see cref="Field"/> names the part at fault (<c>days</c>, <c>from</c>, <c>to</c>, <c>timeZone</c>).</summary>
public sealed class InvalidMaintenanceWindowException(string field, string message) : FormatException(message)
{
    public string Field { get; } = field;
}
