using System.Collections.Concurrent;
using System.Text.Json;
using Stats.Core.Data;

namespace Stats.Core.Enrichment;

/// <summary>
/// Turns a user agent into the robot and machine flags. Robots are excluded from COUNTER metrics;
/// machines (scripted tools) are counted apart. Matching is case-insensitive, and a bounded cache keeps
/// a busy server from running hundreds of patterns for every event; only the first characters of a user agent are
/// classified, so that distinct huge user agents cannot fill the memory through the cache.
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

    private readonly PatternSet _robots;
    private readonly PatternSet _machines;
    private readonly ConcurrentDictionary<string, UserAgentClass> _cache = new(StringComparer.Ordinal);
    private readonly int _cacheSize;
    private readonly int _maxLength;

    /// <summary>The characters the classifier keeps in its cache of user agents already classified (for the memory tests).</summary>
    internal long RememberedCharacters => _cache.Keys.Sum(k => (long)k.Length);

    public UserAgentClassifier(IEnumerable<string> robotPatterns, IEnumerable<string> machinePatterns, int cacheSize = 50_000, int maxLength = 512)
    {
        _robots = new PatternSet(robotPatterns);
        _machines = new PatternSet(machinePatterns);
        _cacheSize = cacheSize;
        _maxLength = maxLength;
    }

    /// <summary>Builds the classifier from the configured lists.</summary>
    public static UserAgentClassifier FromOptions(RobotOptions options)
    {
        var robots = new List<string>();
        var crawlerList = ReferencePath.Resolve(options.CrawlerListPath);
        if (File.Exists(crawlerList))
        {
            robots.AddRange(ReadJsonPatterns(crawlerList));
        }

        if (!string.IsNullOrEmpty(options.CounterListPath))
        {
            robots.AddRange(ReadJsonPatterns(ReferencePath.Resolve(options.CounterListPath)));
        }

        var machines = string.IsNullOrEmpty(options.MachineListPath)
            ? DefaultMachinePatterns
            : ReadLinePatterns(ReferencePath.Resolve(options.MachineListPath));
        return new UserAgentClassifier(robots, machines, options.CacheSize, options.MaxUserAgentLength);
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
    public EventTraits Classify(string? userAgent) => Describe(userAgent).Traits;

    /// <summary>The flags and the family of a user agent (<see cref="UserAgentFamilies"/>); no family without a user agent.</summary>
    public UserAgentClass Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return default;
        }

        // Only the head is classified and kept: what the cache holds is bounded in characters, not only in entries.
        if (userAgent.Length > _maxLength)
        {
            userAgent = userAgent[.._maxLength];
        }

        if (_cache.TryGetValue(userAgent, out var cached))
        {
            return cached;
        }

        var machine = _machines.IsMatch(userAgent);
        var robot = machine ? null : _robots.FirstMatch(userAgent);
        var described = robot is not null
            ? new UserAgentClass(EventTraits.Robot, UserAgentFamilies.OfRobot(robot))
            : new UserAgentClass(machine ? EventTraits.Machine : EventTraits.None, UserAgentFamilies.Of(userAgent, machine));
        if (_cache.Count >= _cacheSize)
        {
            _cache.Clear();
        }

        _cache[userAgent] = described;
        return described;
    }
}

/// <summary>What the classifier says of a user agent: its flags and its family (null when there was no user agent).</summary>
public readonly record struct UserAgentClass(EventTraits Traits, string? Family);
