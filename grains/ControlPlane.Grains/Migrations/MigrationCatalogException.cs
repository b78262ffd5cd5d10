namespace ControlPlane.Grains.Migrations;

/// <summary>The migrations folder cannot be used as it is (bad file name, duplicate version, unreadable).</summary>
public sealed class MigrationCatalogException(string message) : Exception(message);
