using System.Net;
using Stats.Core.Events;
using Stats.Core.Ingestion;

namespace Stats.Benchmarks;

/// <summary>
/// Live repository traffic as the ingestion endpoint sees it: views and downloads over ~10,000 records with a long
/// tail, from ~50,000 visitors (real browser user agents of many versions, some crawlers and scripts, public IPv4
/// and IPv6 addresses from allocated ranges), logged-in users and session ids on some, client event ids on half.
/// Timestamps advance through a window that ends now, in order, the way a live feed arrives. Deterministic per seed.
/// </summary>
internal sealed class TrafficGenerator
{
    public const int RecordCount = 10_000;
    public const int VisitorCount = 50_000;

    private static readonly string[] s_robotAgents =
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/{0}.0.0.0 Safari/537.36",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)",
        "Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
        "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)",
        "Mozilla/5.0 (compatible; Applebot/0.1; +http://www.apple.com/go/applebot)",
    ];

    private static readonly string[] s_machineAgents =
    [
        "curl/8.{1}.0", "python-requests/2.{1}.{2}", "Wget/1.21.{2}", "Go-http-client/1.1", "okhttp/4.{1}.0",
        "Java/17.0.{1}", "python-httpx/0.{1}.{2}", "Python-urllib/3.{1}", "axios/1.{1}.{2}", "libwww-perl/6.{1}",
    ];

    // {0} major version, {1} minor, {2} build, {3} patch.
    private static readonly string[] s_browserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Safari/537.36 Edg/{0}.0.{2}.{3}",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{0}.0) Gecko/20100101 Firefox/{0}.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:{0}.0) Gecko/20100101 Firefox/{0}.0",
        "Mozilla/5.0 (X11; Linux x86_64; rv:{0}.0) Gecko/20100101 Firefox/{0}.0",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:{0}.0) Gecko/20100101 Firefox/{0}.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{4}.{1} Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS {4}_{1} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{4}.{1} Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (iPad; CPU OS {4}_{1} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{4}.{1} Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/2{1}.0 Chrome/{0}.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Safari/537.36 OPR/1{1}.0.0.0",
    ];

    // First 16 bits of IPv6 prefixes the RIRs allocate from (RIPE, ARIN, APNIC, LACNIC, AFRINIC).
    private static readonly ushort[] s_ipv6Prefixes =
    [
        0x2a00, 0x2a01, 0x2a02, 0x2a03, 0x2a04, 0x2a05, 0x2a09, 0x2a0a, 0x2a0b, 0x2600, 0x2601, 0x2602, 0x2603, 0x2604,
        0x2605, 0x2606, 0x2607, 0x2400, 0x2401, 0x2402, 0x2403, 0x2404, 0x2405, 0x2406, 0x2407, 0x2408, 0x2800, 0x2801,
        0x2803, 0x2c0f,
    ];

    private static readonly string[] s_fileNames =
    [
        "data.csv", "paper.pdf", "README.md", "figures.zip", "code.tar.gz", "supplement.pdf", "measurements.h5",
        "thesis.pdf", "images.zip", "notebook.ipynb", "model.pt", "tables.xlsx",
    ];

    private readonly Random _random;
    private readonly SimulatedRecord[] _records;
    private readonly Visitor[] _visitors;
    private readonly DateTimeOffset _start;
    private readonly double _ticksPerEvent;
    private readonly string _idPrefix;
    private long _generated;

    /// <param name="seed">Randomness: the same seed gives the same traffic.</param>
    /// <param name="totalEvents">How many events the window is spread over.</param>
    /// <param name="end">The last timestamp (no later than the ingestor's clock).</param>
    /// <param name="window">How far back the first timestamp lies.</param>
    public TrafficGenerator(int seed, long totalEvents, DateTimeOffset end, TimeSpan window)
    {
        _random = new Random(seed);
        _records = CreateRecords(new Random(1), RecordCount);
        _visitors = CreateVisitors(new Random(2), VisitorCount);
        _start = end - window;
        _ticksPerEvent = window.Ticks / (double)Math.Max(1, totalEvents);
        _idPrefix = $"bench-{seed}-";
    }

    /// <summary>
    /// One download of every file of every record and one view by every visitor, at the start of the window: a warm-up
    /// that leaves the store's catalog complete, as it is on a repository that has been running for a while (first
    /// sight of a record, a file, a visitor's network organisation or a referring site costs a catalog insert, once in
    /// its life).
    /// </summary>
    public IEnumerable<IncomingEvent[]> CatalogSweep(int batchSize) =>
        _records
            .SelectMany(r => r.Files.Select(f => new IncomingEvent
            {
                Type = EventCatalog.FileDownload,
                Timestamp = _start,
                IpAddress = _visitors[0].IpAddress,
                UserAgent = _visitors[0].UserAgent,
                Recid = r.Recid,
                ParentRecid = r.ParentRecid,
                FileKey = f.Key,
                Size = f.Size,
            }))
            .Concat(_visitors.Select((v, i) => new IncomingEvent
            {
                Type = EventCatalog.RecordView,
                Timestamp = _start,
                IpAddress = v.IpAddress,
                UserAgent = v.UserAgent,
                Referrer = s_referrers[i % s_referrers.Length],
                Recid = _records[i % _records.Length].Recid,
                ParentRecid = _records[i % _records.Length].ParentRecid,
            }))
            .Chunk(batchSize);

    /// <summary>Communities the records are published in: a few large ones and a long tail.</summary>
    public const int CommunityCount = 40;

    /// <summary>
    /// The publication of every record at the start of the window, by one of ~2,000 owners, in one or two communities
    /// (community 0 holds about a fifth of the records), with a mix of access rights: what community and owner
    /// aggregates need.
    /// </summary>
    public IEnumerable<IncomingEvent[]> Publications(int batchSize)
    {
        var random = new Random(3);
        string[] access = ["open", "open", "open", "embargoed", "restricted", "closed"];
        return _records
            .Select(r =>
            {
                var first = Skewed(random, CommunityCount, 2.5);
                string[] communities = random.NextDouble() < 0.3 ? [$"community-{first}", $"community-{random.Next(CommunityCount)}"] : [$"community-{first}"];
                return new IncomingEvent
                {
                    Type = EventCatalog.RecordPublished,
                    Timestamp = _start,
                    Recid = r.Recid,
                    ParentRecid = r.ParentRecid,
                    OwnerId = $"owner-{Skewed(random, 2_000, 2.0)}",
                    Communities = [.. communities.Distinct(StringComparer.Ordinal)],
                    AccessRight = access[random.Next(access.Length)],
                    Title = $"Record {r.Recid}",
                    ResourceType = "dataset",
                };
            })
            .Chunk(batchSize);
    }

    /// <summary>The recid of the most popular record (index 0 of the skewed choice).</summary>
    public string MostPopularRecid => _records[0].Recid;

    /// <summary>The next events of the feed.</summary>
    public IncomingEvent[] Next(int count)
    {
        var batch = new IncomingEvent[count];
        for (var i = 0; i < count; i++)
        {
            batch[i] = NextEvent();
        }

        return batch;
    }

    private IncomingEvent NextEvent()
    {
        var n = _generated++;
        var visitor = _visitors[Skewed(_visitors.Length, 2.0)];
        var record = _records[Skewed(_records.Length, 3.0)];
        // Up to a minute late: a feed is in order only roughly.
        var timestamp = _start.AddTicks((long)(n * _ticksPerEvent) - _random.NextInt64(TimeSpan.TicksPerMinute));
        var download = _random.NextDouble() < 0.35;
        var file = download ? record.Files[_random.Next(record.Files.Length)] : null;
        return new IncomingEvent
        {
            Type = download ? EventCatalog.FileDownload : EventCatalog.RecordView,
            Timestamp = timestamp,
            Id = (n & 1) == 0 ? _idPrefix + n.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            UserId = visitor.UserId,
            SessionId = visitor.SessionId,
            IpAddress = visitor.IpAddress,
            UserAgent = visitor.UserAgent,
            // Two events in five come from a link elsewhere (from n, not the random source, so the rest stays as it was).
            Referrer = n % 5 < 2 ? s_referrers[(int)(n / 5 % s_referrers.Length)] : null,
            Recid = record.Recid,
            ParentRecid = record.ParentRecid,
            ViaApi = !download && _random.NextDouble() < 0.05,
            FileKey = file?.Key,
            Size = file?.Size,
            IsPreview = download && _random.NextDouble() < 0.1,
        };
    }

    private static readonly string[] s_referrers =
    [
        "https://www.google.com/search?q=higgs+boson+open+data", "https://scholar.google.com/scholar?cites=1234567",
        "https://zenodo.org/search?q=climate", "https://t.co/AbCdEf123", "https://github.com/org/project/blob/main/README.md",
        "https://duckduckgo.com/?q=dataset", "https://en.wikipedia.org/wiki/Dataset", "https://mail.example.edu/owa/?id=4242",
    ];

    /// <summary>An index in [0, count) where low indexes are much more likely: popular records, busy visitors.</summary>
    private int Skewed(int count, double exponent) => Skewed(_random, count, exponent);

    private static int Skewed(Random random, int count, double exponent) => Math.Min(count - 1, (int)(count * Math.Pow(random.NextDouble(), exponent)));

    private static SimulatedRecord[] CreateRecords(Random random, int count)
    {
        var records = new SimulatedRecord[count];
        for (var i = 0; i < count; i++)
        {
            var recid = (1_000_000 + (i * 37)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            // A third are later versions of a concept record.
            var parent = random.NextDouble() < 0.33 ? (990_000 + (i / 3)).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            var files = new SimulatedFile[1 + random.Next(random.NextDouble() < 0.8 ? 2 : 6)];
            for (var f = 0; f < files.Length; f++)
            {
                files[f] = new SimulatedFile(f == 0 ? s_fileNames[random.Next(s_fileNames.Length)] : $"part-{f}-{s_fileNames[random.Next(s_fileNames.Length)]}",
                    random.NextInt64(1_000, 5_000_000_000));
            }

            records[i] = new SimulatedRecord(recid, parent, files);
        }

        return records;
    }

    private static Visitor[] CreateVisitors(Random random, int count)
    {
        var visitors = new Visitor[count];
        for (var i = 0; i < count; i++)
        {
            var kind = random.NextDouble();
            var address = random.NextDouble() < 0.22 ? PublicIPv6(random) : PublicIPv4(random);
            if (kind < 0.10)
            {
                visitors[i] = new Visitor(address, Agent(random, s_robotAgents), null, null);
            }
            else if (kind < 0.13)
            {
                visitors[i] = new Visitor(address, Agent(random, s_machineAgents), null, null);
            }
            else
            {
                var loggedIn = random.NextDouble() < 0.2;
                var session = random.NextDouble() < 0.35;
                visitors[i] = new Visitor(address, Agent(random, s_browserAgents),
                    loggedIn ? $"user-{random.Next(1, 200_000)}" : null,
                    session ? Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) : null);
            }
        }

        return visitors;
    }

    private static string Agent(Random random, string[] templates) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, templates[random.Next(templates.Length)],
            random.Next(118, 142), random.Next(0, 7), random.Next(2000, 3400), random.Next(10, 200), random.Next(16, 19));

    /// <summary>A unicast address outside the private, shared, reserved, documentation and multicast ranges.</summary>
    private static string PublicIPv4(Random random)
    {
        while (true)
        {
            var a = random.Next(1, 224);
            var b = random.Next(256);
            var reserved = a is 10 or 127 || (a == 100 && b is >= 64 and < 128) || (a == 169 && b == 254) || (a == 172 && b is >= 16 and < 32) ||
                (a == 192 && b is 168 or 0) || (a == 198 && b is 18 or 19 or 51) || (a == 203 && b == 0);
            if (!reserved)
            {
                return $"{a}.{b}.{random.Next(256)}.{random.Next(1, 255)}";
            }
        }
    }

    private static string PublicIPv6(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        var prefix = s_ipv6Prefixes[random.Next(s_ipv6Prefixes.Length)];
        bytes[0] = (byte)(prefix >> 8);
        bytes[1] = (byte)prefix;
        return new IPAddress(bytes).ToString();
    }

    private sealed record SimulatedFile(string Key, long Size);

    private sealed record SimulatedRecord(string Recid, string? ParentRecid, SimulatedFile[] Files);

    private sealed record Visitor(string IpAddress, string UserAgent, string? UserId, string? SessionId);
}
