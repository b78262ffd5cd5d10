namespace ControlPlane.Runtime.Core;

/// <summary>Identity of a grain: its implementation type and its key.</summary>
public readonly record struct GrainId(Type GrainType, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{GrainType.Name}/{Key}";
}
