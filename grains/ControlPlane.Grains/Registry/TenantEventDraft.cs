using ControlPlane.Grains.Tenants;

namespace ControlPlane.Grains.Registry;

/// <summary>A timeline entry to be written with the transition that caused it.</summary>
public sealed record TenantEventDraft(TenantStatus? From, TenantStatus To, ProvisioningStep? Step, string? Detail, int Attempt);
