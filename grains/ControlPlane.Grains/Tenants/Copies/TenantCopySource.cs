namespace ControlPlane.Grains.Tenants.Copies;

/// <summary>Where a new tenant's data is copied from.</summary>
public enum TenantCopyKind
{
    /// <summary>Another tenant of this control plane (<c>cloneFrom</c>).</summary>
    Clone,

    /// <summary>A schema of the same database (<c>importFrom.schema</c>).</summary>
    Import,
}

/// <summary>The origin a new tenant copies its data from in the Copy step, instead of running the seed.</summary>
public sealed record TenantCopySource(TenantCopyKind Kind, string Name)
{
    /// <summary>The value of <c>controlplane.tenants.copy_kind</c>.</summary>
    public string KindText => Kind == TenantCopyKind.Clone ? "clone" : "import";

    /// <summary>The schema the rows are read from.</summary>
    public string SourceSchema => Kind == TenantCopyKind.Clone ? TenantSlug.Parse(Name).SchemaName : Name;

    public static TenantCopySource? FromColumns(string? kind, string? source) => (kind, source) switch
    {
        ("clone", { } slug) => new(TenantCopyKind.Clone, slug),
        ("import", { } schema) => new(TenantCopyKind.Import, schema),
        _ => null,
    };

    public override string ToString() => Kind == TenantCopyKind.Clone ? $"tenant {Name}" : $"schema {Name}";
}
