namespace ControlPlane.Tests.Harness;

/// <summary>
/// A backup store directory of a test's own, shared by every silo the test starts (as a deployment's store outlives
/// its silos), and deleted with everything in it when the test ends.
/// </summary>
public sealed class TestBackupStore : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "controlplane-tests", "backups-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
