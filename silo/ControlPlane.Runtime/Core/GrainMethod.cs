using System.Reflection;

namespace ControlPlane.Runtime.Core;

/// <summary>What the runtime needs to know about one grain interface method, worked out once.</summary>
internal sealed class GrainMethod
{
    private readonly Func<GrainMethod, object?[], Turn> _createTurn;

    private GrainMethod(MethodInfo method, Type resultType, bool returnsValue)
    {
        Method = method;
        ReturnsValue = returnsValue;
        IsInterleaving = method.GetCustomAttribute<AlwaysInterleaveAttribute>() is not null;
        var parameters = method.GetParameters();
        CancellationTokenIndex = Array.FindIndex(parameters, p => p.ParameterType == typeof(CancellationToken)) is var i and >= 0 ? i : null;
        var factory = typeof(GrainMethod).GetMethod(nameof(CreateTurn), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(resultType);
        _createTurn = factory.CreateDelegate<Func<GrainMethod, object?[], Turn>>();
    }

    public MethodInfo Method { get; }

    public bool ReturnsValue { get; }

    public bool IsInterleaving { get; }

    public int? CancellationTokenIndex { get; }

    public Turn NewTurn(object?[] arguments) => _createTurn(this, arguments);

    public static GrainMethod For(MethodInfo method)
    {
        var returnType = method.ReturnType;
        if (returnType == typeof(Task))
        {
            return new GrainMethod(method, typeof(object), returnsValue: false);
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return new GrainMethod(method, returnType.GetGenericArguments()[0], returnsValue: true);
        }

        throw new InvalidOperationException(
            $"Grain method {method.DeclaringType?.Name}.{method.Name} returns {returnType.Name}; grain methods must return Task or Task<T>.");
    }

    private static CallTurn<TResult> CreateTurn<TResult>(GrainMethod method, object?[] arguments) => new CallTurn<TResult>(method, arguments);
}
