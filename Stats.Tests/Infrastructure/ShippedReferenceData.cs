using Stats.Core.Enrichment;

namespace Stats.Tests.Infrastructure;

/// <summary>
/// The reference data the product ships (the build copies it next to the test assembly), loaded once per run:
/// the combined robot pattern is large and slow to compile.
/// </summary>
public static class ShippedReferenceData
{
    private static readonly Lazy<UserAgentClassifier> s_classifier = new(() =>
        UserAgentClassifier.FromOptions(new RobotOptions { CrawlerListPath = Require(new RobotOptions().CrawlerListPath) }));

    private static readonly Lazy<CountryResolver> s_countries = new(() =>
        new CountryResolver(Require(new GeoOptions().DatabasePath)));

    private static readonly Lazy<AsnResolver> s_organisations = new(() =>
        new AsnResolver(new GeoOptions().AsnDatabasePath.Split(';').Select(Require).ToList()));

    /// <summary>The shipped IP-to-organisation ranges (<c>@ip-location-db/asn</c>).</summary>
    public static AsnResolver Organisations => s_organisations.Value;

    /// <summary>The enrichment of organisations, referrer hosts and user-agent families with the shipped data.</summary>
    public static VisitorSources Sources => s_sources.Value;

    private static readonly Lazy<VisitorSources> s_sources = new(() => new VisitorSources(Organisations));

    /// <summary>The default classifier: the shipped crawler list and the built-in machine patterns.</summary>
    public static UserAgentClassifier Classifier => s_classifier.Value;

    /// <summary>The shipped IP-to-country database.</summary>
    public static CountryResolver Countries => s_countries.Value;

    private static string Require(string relativePath)
    {
        var path = ReferencePath.Resolve(relativePath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The build did not copy {relativePath} next to the tests (wwwroot-assets provides it).", path);
        }

        return path;
    }
}
