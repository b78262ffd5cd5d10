namespace ControlPlane.Tests.Harness;

/// <summary>A private copy of the example model's migrations that a test can add to, break, or edit.</summary>
public sealed class MigrationFolder : IDisposable
{
    public MigrationFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "controlplane-migrations", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        foreach (var file in Directory.GetFiles(System.IO.Path.Combine(AppContext.BaseDirectory, "TenantModel", "migrations"), "*.sql"))
        {
            File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
        }
    }

    public string Path { get; }

    /// <summary>The setting that points a silo at this folder.</summary>
    public KeyValuePair<string, string?> Setting => new("ControlPlane:Tenants:MigrationsPath", Path);

    public void Write(string fileName, string sql) => File.WriteAllText(System.IO.Path.Combine(Path, fileName), sql);

    public void Append(string fileName, string sql) => File.AppendAllText(System.IO.Path.Combine(Path, fileName), sql);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
