using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>
/// The source of a clone, an import or an adoption cannot be used (missing, not Active, at another version, or shaped
/// differently from the model); answered as 409 naming <see cref="Field"/>, with the <see cref="Differences"/> listed.
/// Nothing was created.
/// </summary>
[GenerateSerializer, Alias("cp.TenantSourceMismatchException")]
public sealed class TenantSourceMismatchException(string field, string message, IReadOnlyList<string> differences) : Exception(message)
{
    /// <summary>The JSON field that names the source (<c>cloneFrom</c>, <c>importFrom.schema</c>, <c>schema</c>).</summary>
    [Id(0)]
    public string Field { get; } = field;

    /// <summary>Each difference between the source and the model, one sentence each; empty when the source is simply unusable.</summary>
    /// <remarks>An array, so every silo's serializer carries it as it is.</remarks>
    [Id(1)]
    public string[] Differences { get; } = [.. differences];
}
