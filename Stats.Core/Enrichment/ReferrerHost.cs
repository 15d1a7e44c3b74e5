using System.Buffers;

namespace Stats.Core.Enrichment;

/// <summary>
/// What is kept of a referrer: its host only, lower case, without a leading "www.". A referrer's path and query can
/// name a person (a search, a webmail link, a token), its host names a site.
/// </summary>
public static class ReferrerHost
{
    /// <summary>Longest host name DNS allows.</summary>
    public const int MaxLength = 253;

    /// <summary>Longest referrer read without <see cref="Uri"/>: <see cref="Uri"/> refuses strings of 65,520 characters and more.</summary>
    private const int MaxPlainLength = 4096;

    private static readonly SearchValues<char> s_plainHostCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");

    /// <summary>The host of an absolute http(s) referrer; null for anything else (none, relative, another scheme, unparsable).</summary>
    public static string? Of(string? referrer)
    {
        if (string.IsNullOrWhiteSpace(referrer))
        {
            return null;
        }

        // Nearly every referrer is a plain address: its host is read in place, without the Uri object and the strings
        // the general path makes for it.
        return TryPlainHost(referrer.AsSpan().Trim(), out var host) ? host : OfUri(referrer);
    }

    /// <summary>What <see cref="Of"/> keeps, read through <see cref="Uri"/> (IDN, ports, user info, IP literals, escapes): the rule itself.</summary>
    internal static string? OfUri(string referrer)
    {
        if (!Uri.TryCreate(referrer.Trim(), UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        string host;
        try
        {
            host = uri.IdnHost.ToLowerInvariant().TrimEnd('.');
        }
        catch (UriFormatException)
        {
            // Uri accepts some non-ASCII hosts ("é-.com") and refuses them only when asked for their IDN form: no host to
            // keep, and no reason to fail the event's batch.
            return null;
        }

        if (host.StartsWith("www.", StringComparison.Ordinal))
        {
            host = host[4..];
        }

        return host.Length is > 0 and <= MaxLength ? host : null;
    }

    /// <summary>
    /// The host of <c>http(s)://host[/?#…]</c> when the referrer is printable ASCII and the host a DNS name of letters,
    /// digits, dots and hyphens that <see cref="OfUri"/> keeps as it is, but lower case and without "www."; false for
    /// anything else, which <see cref="OfUri"/> reads (a test holds the two to the same answers).
    /// </summary>
    private static bool TryPlainHost(ReadOnlySpan<char> referrer, out string? host)
    {
        host = null;
        var rest = referrer.StartsWith("https://", StringComparison.Ordinal) ? referrer[8..]
            : referrer.StartsWith("http://", StringComparison.Ordinal) ? referrer[7..]
            : default;
        if (rest.IsEmpty || referrer.Length > MaxPlainLength || referrer.ContainsAnyExceptInRange('!', '~'))
        {
            return false;
        }

        var end = rest.IndexOfAny('/', '?', '#');
        var name = end < 0 ? rest : rest[..end];
        if (name.IsEmpty || name.Length > MaxLength || name.ContainsAnyExcept(s_plainHostCharacters))
        {
            return false;
        }

        // Labels of 1–63 characters without a hyphen at either end, none punycode (IDN rules apply to those), and a
        // last label that starts with a letter: Uri reads 10.1, 0x7f.1 or 3232235777 as IPv4 addresses.
        var lastLabel = 0;
        foreach (var range in name.Split('.'))
        {
            var label = name[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-' ||
                label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            lastLabel = range.Start.GetOffset(name.Length);
        }

        if (!char.IsAsciiLetter(name[lastLabel]))
        {
            return false;
        }

        if (name.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            name = name[4..];
        }

        Span<char> lower = stackalloc char[MaxLength];
        var written = name.ToLowerInvariant(lower);
        host = new string(lower[..written]);
        return true;
    }
}
