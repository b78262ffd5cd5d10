namespace ControlPlane.Grains.TenantData;

/// <summary>The kinds of column the example model's API exposes.</summary>
public enum TenantColumnType
{
    /// <summary><c>text</c>.</summary>
    Text,

    /// <summary>An <c>integer</c> reference to a reference table (cloud providers, service types, ...).</summary>
    SmallKey,

    /// <summary>A <c>bigint</c> id or reference.</summary>
    Key,

    /// <summary><c>timestamptz</c>.</summary>
    Timestamp,
}
