using System.Net;
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
    public string? CountryOf(string? ipAddress) => CountryOf(PublicAddress.Parse(ipAddress));

    /// <summary>The country of an address parsed by <see cref="PublicAddress.Parse"/>; null for none.</summary>
    public string? CountryOf(IPAddress? address)
    {
        if (_reader is null || address is null)
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
}
