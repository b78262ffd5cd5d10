namespace ControlPlane.Tests.Harness;

/// <summary>
/// Tests that freeze or kill silo processes and time what the survivors do run one at a time: parallel load on a
/// two-core machine would stretch heartbeats and make their timing claims meaningless.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTests
{
    public const string Name = "Silo processes";
}
