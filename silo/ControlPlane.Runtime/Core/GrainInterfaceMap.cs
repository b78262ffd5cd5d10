using System.Collections.Frozen;
using System.Linq.Expressions;
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

    /// <summary>Makes a new, unbound reference (a proxy implementing the interface).</summary>
    public GrainReference NewReference<TGrainInterface>()
    {
        if (_newProxy is { } compiled)
        {
            return compiled();
        }

        var first = (GrainReference)(object)DispatchProxy.Create<TGrainInterface, GrainReference>()!;
        _newProxy = CompileProxyConstructor(first);
        return first;
    }

    // DispatchProxy.Create reflects over the generated proxy's constructor on every call, emitting an invoke stub that
    // is then finalized: measurable when a rollout makes a reference for each of thousands of tenants. The generated
    // type takes the interface's MethodInfo[] in its constructor; calling that constructor directly does the same.
    // Should the generated shape ever differ, Create stays the way references are made.
    private Func<GrainReference>? _newProxy;

    private static Func<GrainReference>? CompileProxyConstructor(GrainReference sample)
    {
        var type = sample.GetType();
        var methods = type.GetField("_methodInfos", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        var constructor = type.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, [typeof(MethodInfo[])]);
        if (methods?.FieldType != typeof(MethodInfo[]) || constructor is null || methods.GetValue(sample) is not MethodInfo[] infos)
        {
            return null;
        }

        var create = Expression.Lambda<Func<GrainReference>>(
            Expression.Convert(Expression.New(constructor, Expression.Constant(infos)), typeof(GrainReference)));
        return create.Compile();
    }
}
