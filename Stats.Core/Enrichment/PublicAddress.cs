using System.Net;
using System.Net.Sockets;

namespace Stats.Core.Enrichment;

/// <summary>
/// A client's address as the enrichment reads it: parsed once per event for both the country and the organisation, the
/// IPv4 form of an IPv4-mapped IPv6 address, and nothing for addresses no database should place.
/// </summary>
public static class PublicAddress
{
    /// <summary>The address, or null when it is missing, unparsable, private, loopback, link-local, shared, multicast or reserved.</summary>
    public static IPAddress? Parse(string? ipAddress)
    {
        if (string.IsNullOrEmpty(ipAddress) || !IPAddress.TryParse(ipAddress, out var address))
        {
            return null;
        }

        // A dual-stack server reports IPv4 clients as ::ffff:a.b.c.d; the databases know them by their IPv4 form.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        // Whois-derived databases give some private ranges a country (the bundled one puts 192.168/16 in AU).
        return IsPublic(address) ? address : null;
    }

    /// <summary>False for private, loopback, link-local, shared (CGNAT), multicast and reserved addresses.</summary>
    private static bool IsPublic(IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return !(b[0] is 0 or 10 or >= 224 ||
                (b[0] == 100 && (b[1] & 0xC0) == 64) ||
                (b[0] == 169 && b[1] == 254) ||
                (b[0] == 172 && (b[1] & 0xF0) == 16) ||
                (b[0] == 192 && b[1] == 168));
        }

        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast ||
            address.Equals(IPAddress.IPv6Any));
    }
}
