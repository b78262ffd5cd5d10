namespace ControlPlane.Registry.Contracts.ApiKeys;

/// <summary>An unrevoked key already has this name (answered as 409).</summary>
public sealed class ApiKeyConflictException(string name)
    : Exception($"An unrevoked API key is already named '{name}'; revoke it or choose another name.")
{
    public string Name { get; } = name;
}
