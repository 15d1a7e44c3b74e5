using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Enrichment;
using Stats.Core.Events;
using Stats.Core.Ingestion;
using Stats.Core.Retention;
using Stats.Core.Sources.Catalog;

namespace Stats.Core.Demo;

/// <summary>The size and randomness of a demo data set.</summary>
public sealed class DemoOptions
{
    public int Days { get; init; } = 730;

    public int Records { get; init; } = 300;

    public int RandomSeed { get; init; } = 42;
}

/// <summary>What the seeder wrote.</summary>
public sealed record DemoResult(int Records, int Communities, long Events, TimeSpan Elapsed);

/// <summary>
/// Writes a believable repository through the same ingestion path real events take: communities, records with
/// owners, versions, files and access rights, then years of usage with a weekly and seasonal rhythm and a long
/// tail, visitors from many countries, some robots and scripts, library loans and archival packages.
/// Usage is generated newest day first, so that a dashboard started on an empty store fills from the top.
/// </summary>
public sealed class DemoSeeder(
    EventIngestor ingestor, CountryResolver countries, IOptions<RetentionOptions> retention, TimeProvider clock, IDbContextFactory<StatsDbContext> contexts)
{
    private const int BatchSize = 5_000;

    private static readonly (string Id, string Name)[] s_communities =
    [
        ("hep", "High-Energy Physics"), ("ecology", "Ecology and Biodiversity"), ("climate", "Climate Data"),
        ("humanities", "Digital Humanities"), ("software", "Research Software"), ("cern-archive", "CERN Archive"),
    ];

    private static readonly string[] s_browsers =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0",
    ];

    private static readonly string[] s_robots =
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    ];

    private static readonly string[] s_machines = ["curl/8.5.0", "python-requests/2.32.3", "Wget/1.21.4"];

    // Visitors' countries, roughly as a research repository sees them; the rest spread over the world.
    private static readonly (string Country, double Weight)[] s_countryWeights =
    [
        ("US", 18), ("DE", 10), ("CH", 8), ("FR", 7), ("GB", 7), ("IT", 5), ("CN", 6), ("IN", 6), ("JP", 4),
        ("BR", 3), ("ES", 3), ("NL", 3), ("CA", 3), ("AU", 2), ("KR", 2), ("PL", 2), ("SE", 1.5), ("ZA", 1),
        ("MX", 1), ("AR", 1), ("NG", 0.8), ("KE", 0.6), ("EG", 0.6), ("TR", 1), ("RU", 1.5),
    ];

    // Where people arrive from, as a repository's logs show it: search engines and Scholar, DOI links, social media, a
    // university's pages, a wiki; a third come direct (a bookmark, a typed address: no referrer).
    private static readonly (string? Referrer, int Weight)[] s_referrers =
    [
        ("https://scholar.google.com/scholar?q=dataset", 16), ("https://www.google.com/", 14), ("https://doi.org/10.5281/zenodo.1234567", 12),
        ("https://github.com/research-software/analysis", 5), ("https://en.wikipedia.org/wiki/Open_data", 4), ("https://x.com/", 3),
        ("https://t.co/3xAmPlE", 3), ("https://www.linkedin.com/feed/", 2), ("https://home.cern/news", 3),
        ("https://www.uni-heidelberg.de/en/research", 2), ("https://duckduckgo.com/", 2), ("https://www.bing.com/", 2), (null, 32),
    ];

    private static readonly int s_referrerWeight = s_referrers.Sum(r => r.Weight);

    private static readonly string[] s_words =
    [
        "Measurement", "Dataset", "Simulation", "Analysis", "Survey", "Model", "Observations", "Software", "Archive",
        "Calibration", "Proton", "Climate", "Forest", "Genome", "Manuscripts", "Sensor", "Ocean", "Detector", "Corpus",
        "Atlas", "Benchmark", "Time Series", "Catalogue", "Images", "Interviews",
    ];

    public async Task<DemoResult> SeedAsync(DemoOptions options, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var random = new Random(options.RandomSeed);
        var today = clock.GetUtcNow().UtcDateTime.Date;
        // Ingestion rejects events before the retention horizon (and just after its midnight): the whole demo, record
        // publications included, keeps to the days after it.
        var oldest = retention.Value.HorizonAt(clock.GetUtcNow()) is { } horizon ? horizon.AddDays(1).ToDateTime(TimeOnly.MinValue) : DateTime.MinValue;
        var start = Later(today.AddDays(-options.Days + 1), oldest);
        var visitors = CreateVisitors(random, 4_000);
        var records = CreateRecords(random, options.Records, start, today, oldest);
        long written = 0;

        var batch = new List<IncomingEvent>(BatchSize);
        async Task Flush()
        {
            if (batch.Count > 0)
            {
                written += (await ingestor.IngestAsync(batch, cancellationToken)).Accepted;
                batch.Clear();
            }
        }

        async Task Add(IncomingEvent e)
        {
            batch.Add(e);
            if (batch.Count >= BatchSize)
            {
                await Flush();
            }
        }

        foreach (var record in records)
        {
            await Add(Lifecycle(EventCatalog.RecordPublished, record, record.Published));
            if (record.Deleted is { } deleted)
            {
                await Add(Lifecycle(EventCatalog.RecordDeleted, record, deleted));
            }
        }

        await Flush();
        await NameCommunitiesAsync(cancellationToken);
        for (var day = today; day >= start; day = day.AddDays(-1))
        {
            foreach (var e in UsageOfDay(random, day, records, visitors))
            {
                await Add(e);
            }
        }

        await Flush();
        return new DemoResult(records.Count, s_communities.Length, written, stopwatch.Elapsed);
    }

    /// <summary>
    /// Names the communities as a catalog sync does (events carry community ids only), so that the demo shows what a synced
    /// repository shows: "High-Energy Physics", with <c>hep</c> under it.
    /// </summary>
    private async Task NameCommunitiesAsync(CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        await CatalogApplier.ApplyNamesAsync(context, [.. s_communities.Select(c => new CommunityName(c.Id, c.Name))], cancellationToken);
    }

    private static IncomingEvent Lifecycle(string type, DemoRecord r, DateTime at) => new()
    {
        Type = type,
        Timestamp = at,
        Recid = r.Recid,
        ParentRecid = r.ParentRecid,
        OwnerId = r.Owner,
        Communities = r.Communities,
        AccessRight = r.AccessRight,
        Title = r.Title,
        ResourceType = r.ResourceType,
    };

    private IEnumerable<IncomingEvent> UsageOfDay(Random random, DateTime day, List<DemoRecord> records, List<Visitor> visitors)
    {
        // Weekly rhythm (quiet weekends), a seasonal one (summer and year-end lulls), and slow growth.
        var weekly = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.55 : 1.0;
        var seasonal = 1.0 + (0.25 * Math.Cos((day.DayOfYear - 60) * 2 * Math.PI / 365)) - (day.Month == 12 && day.Day > 20 ? 0.4 : 0);
        var growth = 1.0 - ((clock.GetUtcNow().UtcDateTime.Date - day).TotalDays / 2000);
        var rhythm = weekly * seasonal * growth;

        foreach (var record in records)
        {
            if (record.Published > day.AddDays(1) || (record.Deleted is { } deleted && deleted < day))
            {
                continue;
            }

            // Fresh records get a burst of attention that fades; popularity follows a long tail.
            var age = (day - record.Published).TotalDays;
            var freshness = 1.0 + (3.0 * Math.Exp(-age / 20));
            var views = Poisson(random, record.Popularity * rhythm * freshness);
            for (var v = 0; v < views; v++)
            {
                var visitor = Pick(random, visitors);
                var at = day.AddSeconds(random.Next(86_400));
                yield return Usage(EventCatalog.RecordView, at, record, visitor, null, ReferrerOf(visitor, record, day));
                if (random.NextDouble() < 0.35 && record.Files.Length > 0)
                {
                    var file = record.Files[random.Next(record.Files.Length)];
                    yield return Usage(EventCatalog.FileDownload, at.AddSeconds(random.Next(5, 300)), record, visitor, file);
                    if (random.NextDouble() < 0.08)
                    {
                        // A double-click: the same download again within seconds.
                        yield return Usage(EventCatalog.FileDownload, at.AddSeconds(random.Next(301, 320)), record, visitor, file);
                    }
                }
            }
        }

        foreach (var e in CommunityActivity(random, day))
        {
            yield return e;
        }

        foreach (var e in Circulation(random, day))
        {
            yield return e;
        }

        foreach (var e in SipStore(random, day, records))
        {
            yield return e;
        }
    }

    /// <summary>
    /// Where a visitor came from to a record on a day; robots and scripts send none. Drawn from the visitor, record and day,
    /// not from the seeded sequence, so that the demo's counts stay what they were before it had referrers.
    /// </summary>
    private static string? ReferrerOf(Visitor visitor, DemoRecord record, DateTime day)
    {
        if (!visitor.UserAgent.StartsWith("Mozilla/5.0 (", StringComparison.Ordinal) || visitor.UserAgent.Contains("compatible;", StringComparison.Ordinal))
        {
            return null;
        }

        // FNV-1a: the same on every run (string.GetHashCode is not).
        var hash = 2166136261u;
        foreach (var part in record.Recid.Select(c => (uint)c).Append((uint)visitor.Id).Append((uint)(day.Ticks / TimeSpan.TicksPerDay)))
        {
            hash = unchecked((hash ^ part) * 16777619u);
        }

        var pick = (int)(hash % (uint)s_referrerWeight);
        foreach (var (referrer, weight) in s_referrers)
        {
            if ((pick -= weight) < 0)
            {
                return referrer;
            }
        }

        return null;
    }

    private static IncomingEvent Usage(string type, DateTime at, DemoRecord record, Visitor visitor, DemoFile? file, string? referrer = null) => new()
    {
        Referrer = referrer,
        Type = type,
        Timestamp = at,
        Recid = record.Recid,
        ParentRecid = record.ParentRecid,
        UserId = visitor.UserId,
        SessionId = visitor.UserId is null ? null : $"{visitor.Id}-{at:yyyyMMdd}",
        IpAddress = visitor.IpAddress,
        UserAgent = visitor.UserAgent,
        ViaApi = visitor.UserAgent.StartsWith("python", StringComparison.Ordinal),
        FileKey = file?.Key,
        Size = file?.Size,
    };

    private static IEnumerable<IncomingEvent> CommunityActivity(Random random, DateTime day)
    {
        foreach (var (id, _) in s_communities)
        {
            for (var i = Poisson(random, 0.3); i > 0; i--)
            {
                yield return new IncomingEvent { Type = EventCatalog.SubmissionCreated, Timestamp = day.AddSeconds(random.Next(86_400)), Community = id };
            }

            for (var i = Poisson(random, 0.8); i > 0; i--)
            {
                var feature = random.NextDouble() switch { < 0.5 => "comment", < 0.8 => "alert", _ => "recommendation" };
                yield return new IncomingEvent { Type = EventCatalog.FeatureUsed, Timestamp = day.AddSeconds(random.Next(86_400)), Community = id, Feature = feature };
            }
        }
    }

    private static IEnumerable<IncomingEvent> Circulation(Random random, DateTime day)
    {
        string[] locations = ["CERN Central Library", "Physics Reading Room", "Archive Annex"];
        var open = day.DayOfWeek is not DayOfWeek.Sunday;
        var types = new (string Type, double Rate)[]
        {
            (EventCatalog.LoanCreated, 6), (EventCatalog.LoanExtended, 3), (EventCatalog.LoanReturned, 5.5),
            (EventCatalog.LoanOverdue, 0.8), (EventCatalog.LoanRequested, 2),
        };
        foreach (var (type, rate) in types)
        {
            for (var i = Poisson(random, open ? rate : rate * 0.1); i > 0; i--)
            {
                var document = random.Next(1, 120);
                yield return new IncomingEvent
                {
                    Type = type,
                    Timestamp = day.AddHours(8).AddSeconds(random.Next(36_000)),
                    DocumentId = $"doc-{document:D4}",
                    Location = random.NextDouble() switch { < 0.6 => locations[0], < 0.9 => locations[1], _ => locations[2] },
                };
            }
        }
    }

    private static IEnumerable<IncomingEvent> SipStore(Random random, DateTime day, List<DemoRecord> records)
    {
        foreach (var record in records.Where(r => r.Published.Date == day))
        {
            var sip = $"sip-{record.Recid}";
            var size = record.Files.Sum(f => f.Size);
            var created = record.Published.AddMinutes(5);
            yield return new IncomingEvent { Type = EventCatalog.SipCreated, Timestamp = created, SipId = sip, Recid = record.Recid, Community = record.Communities[0], Size = size };
            yield return new IncomingEvent { Type = EventCatalog.SipSent, Timestamp = created.AddMinutes(random.Next(1, 60)), SipId = sip, Community = record.Communities[0] };
            var status = random.NextDouble() < 0.9 ? "succeeded" : "failed";
            yield return new IncomingEvent
            {
                Type = EventCatalog.SipProcessed,
                Timestamp = created.AddMinutes(random.Next(60, 600)),
                SipId = sip,
                Community = record.Communities[0],
                Status = status,
            };
        }

        if (day.DayOfWeek == DayOfWeek.Monday)
        {
            var archived = records.Where(r => r.Published <= day).Sum(r => r.Files.Sum(f => f.Size));
            yield return new IncomingEvent { Type = EventCatalog.ArchiveSize, Timestamp = day.AddHours(2), Bytes = archived };
        }
    }

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;

    private static List<DemoRecord> CreateRecords(Random random, int count, DateTime start, DateTime today, DateTime oldest)
    {
        var owners = Enumerable.Range(1, Math.Max(5, count / 5)).Select(i => $"user-{i:D3}").ToArray();
        string[] accessRights = ["open", "open", "open", "open", "open", "open", "open", "embargoed", "restricted", "closed"];
        string[] resourceTypes = ["dataset", "publication", "software", "image", "presentation"];
        var records = new List<DemoRecord>(count);
        var historyStart = Later(start.AddDays(-365), oldest);
        for (var i = 0; i < count; i++)
        {
            // Older records are more numerous (the catalog predates the statistics); a few per week are new.
            var span = (today - historyStart).TotalDays;
            var published = historyStart.AddDays(span * Math.Sqrt(random.NextDouble())).AddSeconds(random.Next(86_400));
            var previous = i > 10 && random.NextDouble() < 0.15 ? records[random.Next(records.Count)] : null;
            var recid = $"{random.Next(0x1000, 0xffff):x4}-{random.Next(0x1000, 0xffff):x4}";
            var files = Enumerable.Range(0, random.Next(0, 5))
                .Select(f => new DemoFile($"{s_words[random.Next(s_words.Length)].ToLowerInvariant().Replace(' ', '-')}-{f + 1}.{(f == 0 ? "pdf" : "csv")}",
                    (long)(Math.Exp(random.NextDouble() * 14) * 1024)))
                .DistinctBy(f => f.Key)
                .ToArray();
            var communities = s_communities.Where(_ => random.NextDouble() < 0.25).Select(c => c.Id).DefaultIfEmpty(s_communities[random.Next(s_communities.Length)].Id).ToArray();
            records.Add(new DemoRecord(
                recid,
                previous?.ParentRecid ?? previous?.Recid ?? recid,
                owners[(int)(owners.Length * Math.Pow(random.NextDouble(), 2.5))],
                previous is null ? Title(random) : previous.Title + " (v2)",
                resourceTypes[random.Next(resourceTypes.Length)],
                accessRights[random.Next(accessRights.Length)],
                previous?.Communities ?? communities,
                files,
                published,
                random.NextDouble() < 0.02 ? published.AddDays(random.Next(30, 300)) : null,
                // Zipf-like popularity: a few records draw most of the views.
                12.0 / Math.Pow(i + 1, 0.9) + (random.NextDouble() * 0.4)));
        }

        return records;
    }

    private static string Title(Random random) =>
        $"{s_words[random.Next(s_words.Length)]} of {s_words[random.Next(s_words.Length)].ToLowerInvariant()} {random.Next(1990, 2026)}";

    private List<Visitor> CreateVisitors(Random random, int count)
    {
        // Random public addresses, bucketed by the country the configured database gives them.
        var byCountry = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var anywhere = new List<string>();
        for (var tries = 0; tries < 200_000 && anywhere.Count < 20_000; tries++)
        {
            var address = new IPAddress([(byte)random.Next(1, 224), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(1, 255)]).ToString();
            if (countries.CountryOf(address) is not { } country)
            {
                continue;
            }

            anywhere.Add(address);
            if (!byCountry.TryGetValue(country, out var list))
            {
                byCountry[country] = list = [];
            }

            list.Add(address);
        }

        if (anywhere.Count == 0)
        {
            // No country database: still spread visitors over public addresses.
            anywhere.AddRange(Enumerable.Range(0, 1000).Select(i => $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}"));
        }

        var totalWeight = s_countryWeights.Sum(w => w.Weight) + 10;
        var visitors = new List<Visitor>(count);
        for (var i = 0; i < count; i++)
        {
            var pick = random.NextDouble() * totalWeight;
            var ip = anywhere[random.Next(anywhere.Count)];
            foreach (var (country, weight) in s_countryWeights)
            {
                if ((pick -= weight) < 0)
                {
                    ip = byCountry.TryGetValue(country, out var list) ? list[random.Next(list.Count)] : ip;
                    break;
                }
            }

            var kind = random.NextDouble();
            var agent = kind < 0.06 ? s_robots[random.Next(s_robots.Length)]
                : kind < 0.09 ? s_machines[random.Next(s_machines.Length)]
                : s_browsers[random.Next(s_browsers.Length)];
            var userId = kind >= 0.09 && random.NextDouble() < 0.2 ? $"reader-{i}" : null;
            // Robots crawl a lot: they get a large share of the draws.
            var activity = kind < 0.06 ? 25.0 : 1.0 / Math.Pow(random.NextDouble() + 0.05, 1.2);
            visitors.Add(new Visitor(i, ip, agent, userId, activity));
        }

        var cumulative = 0.0;
        foreach (var v in visitors)
        {
            cumulative += v.Activity;
            v.Cumulative = cumulative;
        }

        return visitors;
    }

    private static Visitor Pick(Random random, List<Visitor> visitors)
    {
        var target = random.NextDouble() * visitors[^1].Cumulative;
        var low = 0;
        var high = visitors.Count - 1;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (visitors[mid].Cumulative < target)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return visitors[low];
    }

    private static int Poisson(Random random, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 30)
        {
            // Normal approximation: Knuth's method underflows for large means.
            var u = 1.0 - random.NextDouble();
            var z = Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Math.Max(0, (int)Math.Round(mean + (z * Math.Sqrt(mean))));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var p = random.NextDouble();
        while (p > limit)
        {
            k++;
            p *= random.NextDouble();
        }

        return k;
    }

    private sealed record DemoFile(string Key, long Size);

    private sealed record DemoRecord(
        string Recid, string ParentRecid, string Owner, string Title, string ResourceType, string AccessRight,
        string[] Communities, DemoFile[] Files, DateTime Published, DateTime? Deleted, double Popularity);

    private sealed record Visitor(int Id, string IpAddress, string UserAgent, string? UserId, double Activity)
    {
        public double Cumulative { get; set; }
    }
}
