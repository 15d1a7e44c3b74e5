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
        if (string.IsNullOrWhiteSpace(referrer))
        {
            return null;
        }

        // Two events in five of a busy feed carry a referrer: a plain name is cut out directly, anything unusual
        // (user info, an address literal, an international name, stray spaces) is left to Uri.
        var plain = PlainHost(referrer);
        return plain.IsEmpty ? ParsedHost(referrer) : Normalise(plain);
    }

    private static string? ParsedHost(string referrer)
    {
        if (!Uri.TryCreate(referrer.Trim(), UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        return Normalise(uri.IdnHost.AsSpan());
    }

    private static string? Normalise(ReadOnlySpan<char> host)
    {
        host = host.TrimEnd('.');
        if (host.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            host = host[4..];
        }

        return host.Length is > 0 and <= MaxLength ? host.ToString().ToLowerInvariant() : null;
    }

    /// <summary>
    /// The host of <c>http(s)://name[:port][/?#…]</c> when the name is plain ASCII DNS labels ending in a letter (so no
    /// address literal, whose forms Uri canonicalises); otherwise empty, and the caller asks Uri.
    /// </summary>
    private static ReadOnlySpan<char> PlainHost(string referrer)
    {
        var text = referrer.AsSpan();
        int start;
        if (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            start = 8;
        }
        else if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            start = 7;
        }
        else
        {
            return default;
        }

        var end = start;
        var labelStart = start;
        while (end < text.Length && text[end] is not ('/' or '?' or '#' or ':'))
        {
            var c = text[end];
            if (c == '.')
            {
                if (end == labelStart || text[end - 1] == '-' || end - labelStart > 63)
                {
                    return default;
                }

                labelStart = end + 1;
            }
            else if (!char.IsAsciiLetterOrDigit(c) && (c != '-' || end == labelStart))
            {
                return default;
            }

            end++;
        }

        // The name may end in one dot (the root). Its last label must end in a letter: "1.2.3.4" and "0x7f.1" are
        // address literals, which Uri canonicalises.
        var name = text[start..end];
        var core = name.EndsWith('.') ? name[..^1] : name;
        if (core.IsEmpty || !char.IsAsciiLetter(core[^1]) || core.Length - (labelStart - start) > 63)
        {
            return default;
        }

        if (end < text.Length && text[end] == ':' && !IsPort(text[(end + 1)..]))
        {
            return default;
        }

        return name;
    }

    /// <summary>Digits of a port up to 65535, then the end or the path, query or fragment.</summary>
    private static bool IsPort(ReadOnlySpan<char> rest)
    {
        var digits = 0;
        var port = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
        {
            port = port * 10 + (rest[digits] - '0');
            if (port > 65535)
            {
                return false;
            }

            digits++;
        }

        return digits > 0 && (digits == rest.Length || rest[digits] is '/' or '?' or '#');
    }
}
