using System.ComponentModel.DataAnnotations;

namespace Stats.Core.Enrichment;

/// <summary>The <c>Stats:Robots</c> settings: which user agents are robots (excluded) or machines (counted apart).</summary>
public sealed class RobotOptions
{
    public const string SectionName = "Stats:Robots";

    /// <summary>The maintained crawler list (JSON array of objects with a "pattern") that is the default robot list.</summary>
    public string CrawlerListPath { get; set; } = "ReferenceData/crawler-user-agents.json";

    /// <summary>Optional: the official COUNTER_Robots_list.json, matched in addition to the crawler list.</summary>
    public string? CounterListPath { get; set; }

    /// <summary>Optional: a machine list (one regex per line, # comments), used instead of the built-in machine patterns.</summary>
    public string? MachineListPath { get; set; }

    /// <summary>How many distinct user agents the classifier remembers.</summary>
    [Range(1, 10_000_000)]
    public int CacheSize { get; set; } = 50_000;

    /// <summary>
    /// How much of a user agent (characters) is classified and remembered: real ones are a few hundred at most, and the
    /// cache holds at most <see cref="CacheSize"/> times this many characters whatever clients send.
    /// </summary>
    [Range(64, 64 * 1024)]
    public int MaxUserAgentLength { get; set; } = 512;
}

/// <summary>The <c>Stats:Geo</c> settings: where countries come from.</summary>
public sealed class GeoOptions
{
    public const string SectionName = "Stats:Geo";

    /// <summary>IP-to-country database in MaxMind DB format (GeoLite2/GeoIP2 Country, or the bundled free one).</summary>
    public string DatabasePath { get; set; } = "ReferenceData/geo-whois-asn-country.mmdb";

    /// <summary>
    /// IP-to-network-organisation (autonomous system) database: CSV ranges as <c>@ip-location-db/asn</c> has them
    /// (several files separated by ';'), or a MaxMind DB such as GeoLite2-ASN. Missing files mean no organisations.
    /// </summary>
    public string AsnDatabasePath { get; set; } = "ReferenceData/asn-ipv4.csv;ReferenceData/asn-ipv6.csv";

    /// <summary>The configured ASN files that exist, resolved against the application's folder.</summary>
    public IReadOnlyList<string> AsnDatabaseFiles() =>
        [.. AsnDatabasePath.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ReferencePath.Resolve).Where(File.Exists)];
}

internal static class ReferencePath
{
    /// <summary>Resolves a relative path against the application's folder, where the build copies ReferenceData.</summary>
    public static string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}
