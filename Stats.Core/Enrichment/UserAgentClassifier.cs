using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Stats.Core.Data;

namespace Stats.Core.Enrichment;

/// <summary>
/// Turns a user agent into the robot and machine flags. Robots are excluded from COUNTER metrics;
/// machines (scripted tools) are counted apart. Matching is case-insensitive, and a bounded cache keeps
/// a busy server from running hundreds of patterns for every event.
/// </summary>
public sealed class UserAgentClassifier
{
    /// <summary>The product's own machine patterns: HTTP libraries and command-line tools.</summary>
    public static IReadOnlyList<string> DefaultMachinePatterns { get; } =
    [
        @"^curl", @"^wget", @"^aria2", @"^httpie", @"libcurl", @"python-requests", @"python-urllib", @"python-httpx",
        @"aiohttp", @"^python/", @"^java/", @"apache-httpclient", @"okhttp", @"go-http-client", @"libwww-perl",
        @"^lwp::", @"^php/", @"guzzlehttp", @"^ruby", @"faraday", @"node-fetch", @"^axios", @"^undici",
        @"postmanruntime", @"^r \(", @"rcurl", @"^httr", @"windowspowershell", @"dart:io", @"^reqwest",
    ];

    private readonly Regex? _robots;
    private readonly Regex? _machines;
    private readonly ConcurrentDictionary<string, EventTraits> _cache = new(StringComparer.Ordinal);
    private readonly int _cacheSize;

    public UserAgentClassifier(IEnumerable<string> robotPatterns, IEnumerable<string> machinePatterns, int cacheSize = 50_000)
    {
        _robots = Combine(robotPatterns);
        _machines = Combine(machinePatterns);
        _cacheSize = cacheSize;
    }

    /// <summary>Builds the classifier from the configured lists.</summary>
    public static UserAgentClassifier FromOptions(EnrichmentOptions options)
    {
        var robots = new List<string>();
        var crawlerList = EnrichmentOptions.Resolve(options.CrawlerListPath);
        if (File.Exists(crawlerList))
        {
            robots.AddRange(ReadJsonPatterns(crawlerList));
        }

        if (!string.IsNullOrEmpty(options.CounterRobotsListPath))
        {
            robots.AddRange(ReadJsonPatterns(EnrichmentOptions.Resolve(options.CounterRobotsListPath)));
        }

        var machines = string.IsNullOrEmpty(options.MachineListPath)
            ? DefaultMachinePatterns
            : ReadLinePatterns(EnrichmentOptions.Resolve(options.MachineListPath));
        return new UserAgentClassifier(robots, machines, options.UserAgentCacheSize);
    }

    /// <summary>The patterns of a JSON list of objects with a "pattern" (crawler-user-agents, COUNTER_Robots_list).</summary>
    public static IEnumerable<string> ReadJsonPatterns(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return [.. document.RootElement.EnumerateArray()
            .Select(e => e.TryGetProperty("pattern", out var p) ? p.GetString() : null)
            .OfType<string>()
            .Where(p => p.Length > 0)];
    }

    /// <summary>The patterns of a text list: one per line, <c>#</c> starts a comment.</summary>
    public static IEnumerable<string> ReadLinePatterns(string path) =>
        [.. File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    /// <summary>Robot or Machine (a tool is never both: machines are checked first), or None.</summary>
    public EventTraits Classify(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return EventTraits.None;
        }

        if (_cache.TryGetValue(userAgent, out var cached))
        {
            return cached;
        }

        var traits = _machines?.IsMatch(userAgent) == true ? EventTraits.Machine
            : _robots?.IsMatch(userAgent) == true ? EventTraits.Robot
            : EventTraits.None;
        if (_cache.Count >= _cacheSize)
        {
            _cache.Clear();
        }

        _cache[userAgent] = traits;
        return traits;
    }

    private static Regex? Combine(IEnumerable<string> patterns)
    {
        var valid = patterns.Distinct(StringComparer.Ordinal).Where(IsValid).ToList();
        // The timeout stops runaway backtracking in an operator's list. It is generous because a match of the
        // ~1,800 combined patterns takes milliseconds, and the first one also compiles the pattern: on a busy
        // machine 200 ms was exceeded, and a timeout fails the whole batch being ingested.
        return valid.Count == 0
            ? null
            : new Regex(string.Join('|', valid.Select(p => "(?:" + p + ")")),
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(2));
    }

    private static bool IsValid(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
