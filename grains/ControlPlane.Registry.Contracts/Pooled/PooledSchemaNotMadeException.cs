namespace ControlPlane.Registry.Contracts.Pooled;

/// <summary>The pooled schema does not exist yet: it is made by the first pooled tenant, or by switching its mode.</summary>
public sealed class PooledSchemaNotMadeException(string schema)
    : Exception($"The pooled schema '{schema}' has not been made yet: the first pooled tenant's onboarding makes it, as does POST /v1/pooled/policies/enforce or /v1/pooled/policies/shadow (which make it in that mode).")
{
    public string Schema { get; } = schema;
}
