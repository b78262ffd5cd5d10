namespace ControlPlane.Runtime;

/// <summary>Marker for every grain interface, as in Orleans.</summary>
public interface IGrain;

/// <summary>A grain addressed by a string key (Orleans' <c>IGrainWithStringKey</c>).</summary>
/// <remarks>
/// Every method of a grain interface returns <see cref="Task"/> or <see cref="Task{TResult}"/>;
/// the runtime checks this when the grain is registered.
/// </remarks>
public interface IGrainWithStringKey : IGrain;
