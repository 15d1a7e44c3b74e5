using System.Net;
using System.Net.Sockets;
using MaxMind.Db;

namespace Stats.Core.Enrichment;

/// <summary>IP address to ISO 3166 alpha-2 country, from a MaxMind DB file (IPv4 and IPv6).</summary>
public sealed class CountryResolver : IDisposable
{
    private readonly Reader? _reader;

    public CountryResolver(string? databasePath)
    {
        if (!string.IsNullOrEmpty(databasePath))
        {
            _reader = new Reader(databasePath, FileAccessMode.MemoryMapped);
        }
    }

    /// <summary>The country of an address; null for private, reserved, unknown or unparsable addresses.</summary>
    public string? CountryOf(string? ipAddress)
    {
        if (_reader is null || string.IsNullOrEmpty(ipAddress) || !IPAddress.TryParse(ipAddress, out var address))
        {
            return null;
        }

        // A dual-stack server reports IPv4 clients as ::ffff:a.b.c.d; the database knows them by their IPv4 form.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        // Whois-derived databases give some private ranges a country (the bundled one puts 192.168/16 in AU).
        if (!IsPublic(address))
        {
            return null;
        }

        var entry = _reader.Find<Dictionary<string, object>>(address);
        if (entry is null)
        {
            return null;
        }

        // The bundled database has a flat "country_code"; GeoLite2/GeoIP2 have "country": {"iso_code"}.
        if (entry.TryGetValue("country_code", out var flat) && flat is string code && code.Length == 2)
        {
            return code.ToUpperInvariant();
        }

        return entry.TryGetValue("country", out var nested) && nested is Dictionary<string, object> country &&
            country.TryGetValue("iso_code", out var iso) && iso is string isoCode && isoCode.Length == 2
            ? isoCode.ToUpperInvariant()
            : null;
    }

    public void Dispose() => _reader?.Dispose();

    /// <summary>False for private, loopback, link-local, shared (CGNAT), multicast and reserved addresses.</summary>
    internal static bool IsPublic(IPAddress address)
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
