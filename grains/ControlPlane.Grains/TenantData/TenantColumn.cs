namespace ControlPlane.Grains.TenantData;

/// <summary>One column of a tenant table as the API exposes it.</summary>
/// <param name="Name">The column (and JSON field) name.</param>
/// <param name="Type">Its type, which decides how JSON input converts.</param>
/// <param name="Writable">Callers may set it (false: id and timestamps the database keeps).</param>
/// <param name="Required">An insert must give it, and it cannot be set to null.</param>
/// <param name="MaxLength">For text: the longest value accepted, so a request cannot park megabytes in a row.</param>
public sealed record TenantColumn(string Name, TenantColumnType Type, bool Writable = true, bool Required = false, int MaxLength = 1000)
{
    public static TenantColumn Id { get; } = new("id", TenantColumnType.Key, Writable: false);

    public static TenantColumn CreatedAt { get; } = new("created_at", TenantColumnType.Timestamp, Writable: false);

    public static TenantColumn UpdatedAt { get; } = new("updated_at", TenantColumnType.Timestamp, Writable: false);
}
