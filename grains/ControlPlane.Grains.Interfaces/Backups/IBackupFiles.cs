namespace ControlPlane.Grains.Backups;

/// <summary>Reads backup files from the store, for the API's download (the grain says which file; the bytes do not pass through Orleans).</summary>
public interface IBackupFiles
{
    /// <summary>Opens a stored backup file (<see cref="BackupFile.FileName"/>) for reading.</summary>
    Stream OpenRead(string fileName);
}
