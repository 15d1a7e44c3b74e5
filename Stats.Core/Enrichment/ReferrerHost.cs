namespace Stats.Core.Enrichment;

/// <summary>
/// What is kept of a referrer: its host only, lower case, without a leading "www.". A referrer's path and query can
/// name a person (a search, a webmail link, a token), its host names a site.
/// </summary>
public static class ReferrerHost
{
    /// <summary>Longest host name DNS allows.</summary>
    public const int MaxLength = 253;

    /// <summary>The host of an absolute http(s) referrer; null for anything else (none, relative, another scheme, unparsable).</summary>
    public static string? Of(string? referrer)
    {
        if (string.IsNullOrWhiteSpace(referrer) ||
            !Uri.TryCreate(referrer.Trim(), UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        var host = uri.IdnHost.ToLowerInvariant().TrimEnd('.');
        if (host.StartsWith("www.", StringComparison.Ordinal))
        {
            host = host[4..];
        }

        return host.Length is > 0 and <= MaxLength ? host : null;
    }
}
