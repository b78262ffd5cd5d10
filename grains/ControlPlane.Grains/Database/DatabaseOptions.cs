namespace ControlPlane.Grains.Database;

/// <summary>How the silo uses PostgreSQL (configuration section <c>ControlPlane:Database</c>).</summary>
/// <remarks>
/// A silo opens at most <see cref="RegistryPoolSize"/> + <see cref="WorkConnections"/> admin connections plus
/// its tenant pools' budget; across the cluster that total times the silo count must stay under <c>max_connections</c>.
/// </remarks>
public sealed class DatabaseOptions
{
    public const string SectionName = "ControlPlane:Database";

    /// <summary>Connections for short registry reads and writes.</summary>
    public int RegistryPoolSize { get; set; } = 8;

    /// <summary>Connections for DDL work (provisioning steps and migrations), shared by provisioning and rollouts.</summary>
    public int WorkConnections { get; set; } = 4;

    /// <summary>
    /// A work connection is replaced after this long: a backend caches the catalogue entries of every schema it
    /// touched and never evicts them, so connections that visit thousands of tenants must be recycled.
    /// </summary>
    public TimeSpan WorkConnectionLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A work connection is replaced after serving this many tenants' turns, whatever its age: at the example model's
    /// ~0.35 MB of catalogue cache per tenant, 200 bounds a work backend near 70 MB, where a rollout at 300 tenants/s
    /// would otherwise fill it with 30 s x 300 / connections tenants' worth before its lifetime ends.
    /// </summary>
    public int WorkConnectionMaxTenants { get; set; } = 200;

    /// <summary>
    /// PostgreSQL ends a session of ours left idle inside a transaction this long (a silo frozen mid-step),
    /// releasing its locks so another silo can take over.
    /// </summary>
    public TimeSpan IdleInTransactionTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Provisioning and migration units commit with <c>synchronous_commit = off</c>. Each unit's DDL and its registry
    /// row commit or vanish together, so a PostgreSQL crash can only rewind the last moments of progress, which the
    /// state machine redoes; registrations and operator actions always commit synchronously. Off = every unit waits
    /// for its WAL flush.
    /// </summary>
    public bool AsynchronousStepCommits { get; set; } = true;

    /// <summary>How long a step waits for a lock on a tenant before giving up and retrying later.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
