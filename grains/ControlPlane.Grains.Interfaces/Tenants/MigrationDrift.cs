using Orleans;
namespace ControlPlane.Grains.Tenants;

/// <summary>An applied migration whose file no longer matches what was applied.</summary>
/// <param name="Version">The migration version.</param>
/// <param name="AppliedChecksum">Checksum recorded when it was applied; null when the file is new but older than applied versions.</param>
/// <param name="CurrentChecksum">Checksum of the file now; null when the file was removed.</param>
[GenerateSerializer, Immutable, Alias("cp.MigrationDrift")]
public sealed record MigrationDrift(int Version, string? AppliedChecksum, string? CurrentChecksum);
