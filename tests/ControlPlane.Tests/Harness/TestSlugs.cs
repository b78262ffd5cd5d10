namespace ControlPlane.Tests.Harness;

/// <summary>Unique slugs: tenant roles are cluster-wide, so every test's tenants get names no other test uses.</summary>
public static class TestSlugs
{
    public static string New(string prefix = "t") => $"{prefix}_{Guid.NewGuid().ToString("N")[..10]}";
}
