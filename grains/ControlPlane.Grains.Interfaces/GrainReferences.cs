using Orleans;
using Orleans.Runtime;

namespace ControlPlane.Grains;

/// <summary>
/// String-keyed grain references without Orleans' per-call interface lookup. <c>IGrainFactory.GetGrain&lt;T&gt;(key)</c>
/// resolves the interface's grain interface type from its attributes on every call, constructing each of them
/// (a tenant interface carries three): perf put that at 2% of the machine's CPU under the tenant-reads benchmark, where
/// every request gets its tenant's grain. The grain type and interface type depend only on the interface, so they are
/// resolved once, by Orleans, from the first reference made, and every later reference is built from them.
/// </summary>
public static class GrainReferences
{
    /// <summary>The reference to the grain of <typeparamref name="T"/> keyed by <paramref name="key"/>; the same grain <c>GetGrain&lt;T&gt;(key)</c> names.</summary>
    public static T GetGrainByKey<T>(this IGrainFactory factory, string key)
        where T : IGrainWithStringKey
    {
        if (Shape<T>.Known is not { } shape)
        {
            var first = factory.GetGrain<T>(key);
            Shape<T>.Remember(first);
            return first;
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return (T)factory.GetGrain(GrainId.Create(shape.Type, key), shape.Interface);
    }

    private static class Shape<T>
    {
        public static (GrainType Type, GrainInterfaceType Interface)? Known { get; private set; }

        /// <summary>
        /// Keeps <paramref name="reference"/>'s types unless Orleans could not map the interface yet (a client that
        /// has not seen the cluster's manifest gets a stub, a system type resolved on a later call): those are asked again.
        /// </summary>
        public static void Remember(T reference)
        {
            if (reference is GrainReference { GrainId.Type: var type, InterfaceType: var contract } && !type.ToString().StartsWith(GrainTypePrefix.SystemPrefix, StringComparison.Ordinal))
            {
                Known = (type, contract);
            }
        }
    }
}
