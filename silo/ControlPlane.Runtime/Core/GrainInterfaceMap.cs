using System.Collections.Frozen;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Runtime.Core;

/// <summary>A grain interface, the grain class that implements it, and its methods, checked once at start.</summary>
internal sealed class GrainInterfaceMap
{
    public GrainInterfaceMap(Type interfaceType, Type grainType)
    {
        if (!interfaceType.IsInterface || !typeof(IGrainWithStringKey).IsAssignableFrom(interfaceType))
        {
            throw new ArgumentException($"{interfaceType.Name} must be an interface extending IGrainWithStringKey.", nameof(interfaceType));
        }

        if (!typeof(Grain).IsAssignableFrom(grainType) || grainType.IsAbstract || !interfaceType.IsAssignableFrom(grainType))
        {
            throw new ArgumentException($"{grainType.Name} must be a concrete Grain implementing {interfaceType.Name}.", nameof(grainType));
        }

        InterfaceType = interfaceType;
        GrainType = grainType;
        Tags = new TurnTags(interfaceType, grainType);

        // Compiled once: reflecting over the constructor on every activation costs more than the activation itself.
        Factory = ActivatorUtilities.CreateFactory(grainType, Type.EmptyTypes);
        Methods = interfaceType.GetInterfaces().Append(interfaceType)
            .SelectMany(i => i.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .ToFrozenDictionary(m => m, GrainMethod.For);
    }

    public Type InterfaceType { get; }

    public Type GrainType { get; }

    public ObjectFactory Factory { get; }

    public TurnTags Tags { get; }

    public FrozenDictionary<MethodInfo, GrainMethod> Methods { get; }
}
