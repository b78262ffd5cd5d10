using System.Buffers.Text;
using System.Text;
using ControlPlane.Grains.Tenants;

namespace ControlPlane.Api.Tenants;

/// <summary>Opaque paging cursors: clients pass them back unchanged and must not build them.</summary>
internal static class TenantCursor
{
    public static string Encode(string slug) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes("s:" + slug));

    public static string Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith("s:", StringComparison.Ordinal) && TenantSlug.TryParse(text[2..], out var slug, out _))
            {
                return slug.Value;
            }
        }
        catch (FormatException)
        {
        }

        throw new TenantValidationException("after", "The cursor is not one this API issued; pass the 'next' value of the previous page unchanged.");
    }
}
