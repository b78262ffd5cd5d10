namespace ControlPlane.Testing;

/// <summary>The checkout's root (the folder holding ControlPlane.sln).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "ControlPlane.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ControlPlane.sln above {AppContext.BaseDirectory}.");
    }
}
