namespace ControlPlane.Silo.LocalPostgres;

/// <summary>The private server started when no connection string is configured (section <c>ControlPlane:LocalPostgres</c>).</summary>
public sealed class PrivatePostgresOptions
{
    public const string SectionName = "ControlPlane:LocalPostgres";

    /// <summary>Where the cluster's files live; by default <c>postgres/</c> under the silo's state directory.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The database the control plane uses.</summary>
    public string Database { get; set; } = "controlplane";

    /// <summary>Start from an empty cluster even if one exists (the test harness does, for repeatable runs).</summary>
    public bool Fresh { get; set; }

    /// <summary><c>max_connections</c> of the private server.</summary>
    public int MaxConnections { get; set; } = 300;
}
