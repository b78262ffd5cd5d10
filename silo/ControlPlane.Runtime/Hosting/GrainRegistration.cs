namespace ControlPlane.Runtime.Hosting;

/// <summary>Binds a grain interface to the grain class that implements it.</summary>
public sealed record GrainRegistration(Type InterfaceType, Type GrainType);
