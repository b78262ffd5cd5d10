namespace ControlPlane.Tests.Pooled;

/// <summary>A private copy of the pooled catalogue (PooledModel/migrations) that a test can add to or break.</summary>
public sealed class PooledMigrationFolder : IDisposable
{
    public PooledMigrationFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "controlplane-pooled-migrations", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        foreach (var file in Directory.GetFiles(System.IO.Path.Combine(AppContext.BaseDirectory, "PooledModel", "migrations"), "*.sql"))
        {
            File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
        }
    }

    public string Path { get; }

    /// <summary>The setting that points a silo's pooled tier at this folder.</summary>
    public (string Key, string Value) Setting => ("ControlPlane:Pooled:MigrationsPath", Path);

    public void Write(string fileName, string sql) => File.WriteAllText(System.IO.Path.Combine(Path, fileName), sql);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
