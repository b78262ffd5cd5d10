using static ControlPlane.Grains.TenantData.TenantColumnType;

namespace ControlPlane.Grains.TenantData;

/// <summary>The example base model's tables (silo/ControlPlane.Silo/TenantModel) as the <c>/v1/me</c> API exposes them.</summary>
public static class TenantTables
{
    public static TenantTable Teams { get; } = new("teams", "team",
    [
        TenantColumn.Id,
        new("name", Text, Required: true, MaxLength: 200),
        new("description", Text, MaxLength: 4000),
        TenantColumn.CreatedAt,
        TenantColumn.UpdatedAt,
    ]);

    public static TenantTable Users { get; } = new("users", "user",
    [
        TenantColumn.Id,
        new("email", Text, Required: true, MaxLength: 320),
        new("name", Text, Required: true, MaxLength: 200),
        new("role", Text, MaxLength: 20),
        new("team_id", Key),
        TenantColumn.CreatedAt,
        TenantColumn.UpdatedAt,
    ]);

    public static TenantTable Components { get; } = new("components", "component",
    [
        TenantColumn.Id,
        new("name", Text, Required: true, MaxLength: 200),
        new("description", Text, MaxLength: 4000),
        new("team_id", Key),
        new("service_type_id", SmallKey),
        new("registry_provider_id", SmallKey),
        new("repository_url", Text, MaxLength: 2000),
        TenantColumn.CreatedAt,
        TenantColumn.UpdatedAt,
    ]);

    public static TenantTable Environments { get; } = new("environments", "environment",
    [
        TenantColumn.Id,
        new("name", Text, Required: true, MaxLength: 200),
        new("description", Text, MaxLength: 4000),
        new("cloud_provider_id", SmallKey),
        TenantColumn.CreatedAt,
        TenantColumn.UpdatedAt,
    ]);

    public static TenantTable Tags { get; } = new("tags", "tag",
    [
        TenantColumn.Id,
        new("name", Text, Required: true, MaxLength: 100),
        new("color", Text, MaxLength: 7),
        TenantColumn.CreatedAt,
    ]);

    public static TenantTable Versions { get; } = new("versions", "version",
    [
        TenantColumn.Id,
        new("component_id", Key, Required: true),
        new("environment_id", Key, Required: true),
        new("version", Text, Required: true, MaxLength: 200),
        new("notes", Text, MaxLength: 4000),
        new("deployed_at", Timestamp),
    ]);

    public static TenantTable For(TenantDataSet set) => set switch
    {
        TenantDataSet.Teams => Teams,
        TenantDataSet.Users => Users,
        TenantDataSet.Components => Components,
        TenantDataSet.Environments => Environments,
        TenantDataSet.Tags => Tags,
        TenantDataSet.Versions => Versions,
        _ => throw new ArgumentOutOfRangeException(nameof(set), set, "No such tenant table."),
    };
}
