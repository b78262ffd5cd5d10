using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ControlPlane.Grains.Backups;

/// <summary>
/// The backup store: one directory, a sub-directory per tenant, one file per backup. A file is written under a
/// temporary name and renamed into place only when complete, so a file with a backup's own name is always whole.
/// </summary>
public sealed class BackupStore(IOptions<BackupOptions> options, IConfiguration configuration) : IBackupFiles
{
    private const string PartialSuffix = ".partial";

    /// <summary>The store's root directory.</summary>
    public string Root { get; } = Path.GetFullPath(options.Value.Directory is { Length: > 0 } configured
        ? configured
        : Path.Combine(configuration["ControlPlane:StateDirectory"] is { Length: > 0 } state ? state : ".controlplane", "backups"));

    /// <summary>The file name (relative to the store) a backup is kept under.</summary>
    public static string FileNameOf(string slug, string backupId) => Path.Combine(slug, backupId + ".sql");

    /// <summary>The full path of a stored backup file.</summary>
    public string PathOf(string fileName) => Path.Combine(Root, fileName);

    /// <summary>Opens a temporary file for a backup; <see cref="CompleteAsync"/> moves it into place.</summary>
    public FileStream CreatePartial(string fileName)
    {
        var path = PathOf(fileName) + PartialSuffix;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
    }

    /// <summary>Moves the finished temporary file into place and returns its size and SHA-256, read back from disk.</summary>
    public async Task<(long Size, string Sha256)> CompleteAsync(string fileName, CancellationToken cancellationToken)
    {
        var path = PathOf(fileName);
        File.Move(path + PartialSuffix, path, overwrite: true);
        return (new FileInfo(path).Length, await HashAsync(fileName, cancellationToken));
    }

    /// <summary>SHA-256 of a stored file, lowercase hex.</summary>
    public async Task<string> HashAsync(string fileName, CancellationToken cancellationToken)
    {
        await using var stream = OpenFile(fileName);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    public bool Exists(string fileName) => File.Exists(PathOf(fileName));

    public Stream OpenRead(string fileName) => OpenFile(fileName);

    public FileStream OpenFile(string fileName) =>
        new(PathOf(fileName), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>Removes a backup's file and any temporary file it left.</summary>
    public void Delete(string fileName)
    {
        File.Delete(PathOf(fileName));
        File.Delete(PathOf(fileName) + PartialSuffix);
    }
}
