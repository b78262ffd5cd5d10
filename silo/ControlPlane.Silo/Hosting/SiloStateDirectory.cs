namespace ControlPlane.Silo.Hosting;

/// <summary>
/// The folder where a silo keeps what it makes for itself: the private PostgreSQL cluster and the generated admin
/// key. Setting <c>ControlPlane:StateDirectory</c>; default <c>.controlplane</c> under the working directory.
/// </summary>
public sealed class SiloStateDirectory(IConfiguration configuration)
{
    public const string SettingName = "ControlPlane:StateDirectory";

    public string Path { get; } = System.IO.Path.GetFullPath(configuration[SettingName] is { Length: > 0 } configured ? configured : ".controlplane");
}
