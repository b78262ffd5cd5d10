using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Api.CallerTenant;

/// <summary>
/// Opaque keyset cursors over a row id (tenant data pages, the audit log): clients pass them back unchanged and must
/// not build them. The prefix keeps one list's cursor from being accepted by another.
/// </summary>
internal static class RowCursor
{
    public const string TenantRows = "i:";

    public static string Encode(long id, string prefix = TenantRows) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(prefix + id.ToString(CultureInfo.InvariantCulture)));

    public static long Decode(string cursor, string prefix = TenantRows)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith(prefix, StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
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
