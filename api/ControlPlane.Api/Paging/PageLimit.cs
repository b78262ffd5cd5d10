using ControlPlane.Grains.Tenants;

namespace ControlPlane.Api.Paging;

/// <summary>The <c>limit</c> of a paged list: 50 unless asked, at most 500.</summary>
internal static class PageLimit
{
    public const int Default = 50;
    public const int Max = 500;

    /// <summary>The page size to use; a limit out of range is a 400 naming <c>limit</c>.</summary>
    public static int Resolve(int? limit) =>
        (limit ?? Default) is var size and >= 1 and <= Max
            ? size
            : throw new TenantValidationException("limit", $"limit must be between 1 and {Max}.");
}
