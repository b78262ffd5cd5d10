using Npgsql;
using NpgsqlTypes;

namespace ControlPlane.Grains.Database;

/// <summary>
/// Parameters for a statement whose shape is built at run time (a selector, a list of waves): each value is added
/// here and the SQL refers to it by the placeholder returned, so no value is ever spelled into the text.
/// </summary>
public sealed class PositionalParameters
{
    private readonly List<NpgsqlParameter> _parameters = [];

    /// <summary>Adds <paramref name="value"/> (null as a typed NULL) and returns its placeholder, <c>$n</c>.</summary>
    public string Add(object? value, NpgsqlDbType type)
    {
        _parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
        return $"${_parameters.Count}";
    }

    /// <summary>Copies the parameters, in order, to a command.</summary>
    public void AddTo(NpgsqlParameterCollection target)
    {
        foreach (var parameter in _parameters)
        {
            target.Add(parameter.Clone());
        }
    }
}
