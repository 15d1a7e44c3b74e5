namespace Stats.Core.Enrichment;

/// <summary>The <c>Stats:Enrichment</c> settings: where the reference lists and databases come from.</summary>
public sealed class EnrichmentOptions
{
    public const string SectionName = "Stats:Enrichment";

    /// <summary>IP-to-country database in MaxMind DB format (GeoLite2/GeoIP2 Country, or the bundled free one).</summary>
    public string GeoDatabasePath { get; set; } = "ReferenceData/geo-whois-asn-country.mmdb";

    /// <summary>The maintained crawler list (JSON array of objects with a "pattern") that is the default robot list.</summary>
    public string CrawlerListPath { get; set; } = "ReferenceData/crawler-user-agents.json";

    /// <summary>Optional: the official COUNTER_Robots_list.json, used in addition to the crawler list.</summary>
    public string? CounterRobotsListPath { get; set; }

    /// <summary>Optional: a machine list (one regex per line, # comments), used instead of the built-in machine patterns.</summary>
    public string? MachineListPath { get; set; }

    /// <summary>How many distinct user agents the classifier remembers.</summary>
    public int UserAgentCacheSize { get; set; } = 50_000;

    /// <summary>Resolves a relative path against the application's folder, where the build copies ReferenceData.</summary>
    public static string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}
