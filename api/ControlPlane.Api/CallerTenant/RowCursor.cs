using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Api.CallerTenant;

/// <summary>Opaque cursors for tenant data pages: clients pass them back unchanged and must not build them.</summary>
internal static class RowCursor
{
    public static string Encode(long id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes("i:" + id.ToString(CultureInfo.InvariantCulture)));

    public static long Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith("i:", StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }
        catch (FormatException)
        {
        }

        throw new TenantValidationException("after", "The cursor is not one this API issued; pass the 'next' value of the previous page unchanged.");
    }
}
