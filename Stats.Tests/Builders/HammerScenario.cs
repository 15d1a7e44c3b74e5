using Stats.Core.Events;
using Stats.Core.Ingestion;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Builders;

/// <summary>
/// Issue 15's scenario: one visitor from CERN's network downloads one file of a record 5,000 times in an hour, beside 40
/// readers who view and download it once each and a crawler that views it 10 times.
/// </summary>
public static class HammerScenario
{
    public const string Recid = "rec-hammered";
    public const string FileKey = "data.csv";
    public const int HammerDownloads = 5000;
    public const int Readers = 40;
    public const int RobotViews = 10;
    public const string HammerIp = "137.138.62.1";
    public const string Cern = "AS513 CERN - European Organization for Nuclear Research";

    /// <summary>The hour the scenario fills, inside the harness's default retention-free past.</summary>
    public static readonly DateTimeOffset Hour = new(2024, 6, 15, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Every event: 0.7 s apart, each download is within the 30-second double-click window of the next.</summary>
    public static IEnumerable<IncomingEvent> Events() => Events(Hour);

    /// <summary>The scenario in another hour (a running dashboard's, inside its retention window).</summary>
    public static IEnumerable<IncomingEvent> Events(DateTimeOffset hour)
    {
        yield return TestEvents.Published(Recid, hour.AddDays(-30));
        for (var i = 0; i < HammerDownloads; i++)
        {
            yield return TestEvents.Download(Recid, FileKey, hour.AddMilliseconds(700L * i), ip: HammerIp, userAgent: TestEvents.Browser);
        }

        for (var k = 0; k < Readers; k++)
        {
            var at = hour.AddSeconds(60 * k + 5);
            yield return new IncomingEvent
            {
                Type = EventCatalog.RecordView, Timestamp = at, Recid = Recid, UserId = $"reader-{k}", IpAddress = "8.8.8.8",
                UserAgent = TestEvents.Browser, Referrer = "https://scholar.google.com/scholar?q=reader+" + k,
            };
            yield return TestEvents.Download(Recid, FileKey, at.AddSeconds(10), userId: $"reader-{k}", ip: "8.8.8.8");
        }

        for (var r = 0; r < RobotViews; r++)
        {
            yield return TestEvents.View(Recid, hour.AddMinutes(5 * r + 1), ip: "66.249.66.1", userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        }
    }

    /// <summary>Ingests the scenario in batches, as a busy feed would send it.</summary>
    public static async Task IngestAsync(IngestionHarness ingestion)
    {
        foreach (var batch in Events().Chunk(1000))
        {
            var result = await ingestion.IngestAsync(batch);
            Assert.Empty(result.Rejected);
        }
    }
}
