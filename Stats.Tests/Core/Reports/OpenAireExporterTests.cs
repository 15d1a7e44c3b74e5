using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Data;
using Stats.Core.Reports.OpenAire;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Reports;

public sealed class OpenAireExporterTests
{
    private const string Token = "secret-token-4711";
    private const string Googlebot = "Googlebot/2.1 (+http://www.google.com/bot.html)";
    private const string Reader = "81.2.69.142";

    private static readonly DateTimeOffset s_noon = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly s_day = new(2024, 6, 15);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A view, a robot's view, a double-click pair of downloads, the same visitor's later view and a machine's download.</summary>
    private static async Task IngestDayAsync(IngestionHarness ingestion)
    {
        await ingestion.IngestAsync(
            TestEvents.Published("rec-1", s_noon.AddDays(-10), title: "Ocean data"),
            TestEvents.View("rec-1", s_noon, sessionId: "s-1"),
            TestEvents.View("rec-1", s_noon.AddMinutes(1), userAgent: Googlebot),
            TestEvents.Download("rec-1", "data 1.csv", s_noon.AddMinutes(2), ip: Reader),
            TestEvents.Download("rec-1", "data 1.csv", s_noon.AddMinutes(2).AddSeconds(10), ip: Reader),
            TestEvents.View("rec-1", s_noon.AddMinutes(10), ip: Reader),
            TestEvents.Download("rec-1", "data 1.csv", s_noon.AddMinutes(15), userAgent: "curl/8.5.0"));
        await ingestion.AggregateAsync();
    }

    private static OpenAireExporter Exporter(IngestionHarness ingestion, MatomoStandIn matomo, Action<OpenAireOptions>? configure = null)
    {
        var options = new OpenAireOptions
        {
            Enabled = true,
            TrackingUrl = matomo.TrackingUrl,
            SiteId = "42",
            TokenAuth = Token,
            RecordUrlTemplate = "https://repo.example.org/records/{recid}",
            FileUrlTemplate = "https://repo.example.org/records/{recid}/files/{file_key}",
            FirstDay = s_day,
        };
        configure?.Invoke(options);
        return new OpenAireExporter(
            ingestion.Store.Contexts, new LoopbackHttpClientFactory(), Options.Create(options), ingestion.Clock, NullLogger<OpenAireExporter>.Instance);
    }

    private static async Task<ExportBookmark?> BookmarkAsync(TestStore store)
    {
        await using var context = store.CreateContext();
        return await context.ExportBookmarks.AsNoTracking().SingleOrDefaultAsync(b => b.Name == OpenAireExporter.BookmarkName, Cancellation);
    }

    /// <summary>The stored raw event of a click at <paramref name="at"/>: what the request's visitor and country come from.</summary>
    private static async Task<RawEvent> RawEventAtAsync(TestStore store, DateTimeOffset at)
    {
        await using var context = store.CreateContext();
        var events = await context.RawEvents.AsNoTracking().Where(e => e.RecordId != null).ToListAsync(Cancellation);
        return events.Single(e => e.Timestamp == at.UtcDateTime);
    }

    private static string Hex(long hash) => unchecked((ulong)hash).ToString("x16", CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task EachCountedClickIsOneRequestCarryingEveryMatomoParameter(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestDayAsync(ingestion);
        await using var matomo = await MatomoStandIn.StartAsync();

        var report = await Exporter(ingestion, matomo).ExportPendingAsync(Cancellation);

        Assert.Null(report.Error);
        var post = Assert.Single(matomo.Posts);
        Assert.Equal(Token, post.TokenAuth);
        // No address anywhere: neither the reader's nor the default test address.
        Assert.DoesNotContain(Reader, post.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(TestEvents.PublicIp, post.Body, StringComparison.Ordinal);
        const string record = "https://repo.example.org/records/rec-1";
        const string file = "https://repo.example.org/records/rec-1/files/data%201.csv";
        // The robot's view and the first click of the double-click pair are not counted, so not sent.
        var expected = new List<Dictionary<string, string>>
        {
            await ExpectedAsync(store, s_noon, ("url", record), ("action_name", "Ocean data")),
            await ExpectedAsync(store, s_noon.AddMinutes(2).AddSeconds(10), ("url", file), ("download", file)),
            await ExpectedAsync(store, s_noon.AddMinutes(10), ("url", record), ("action_name", "Ocean data")),
            await ExpectedAsync(store, s_noon.AddMinutes(15), ("url", file), ("download", file)),
        };
        var requests = post.Requests;
        Assert.Equal(expected.Count, requests.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].OrderBy(p => p.Key, StringComparer.Ordinal), requests[i].OrderBy(p => p.Key, StringComparer.Ordinal));
        }

        // The reader's download and later view are one Matomo visitor; the first viewer is another.
        Assert.Equal(requests[1]["_id"], requests[2]["_id"]);
        Assert.NotEqual(requests[0]["_id"], requests[1]["_id"]);
        Assert.Matches("^[0-9a-f]{16}$", requests[0]["_id"]);
        var bookmark = await BookmarkAsync(store);
        Assert.Equal((new DateOnly(2024, 6, 19), 0, 4L, null), (bookmark!.LastDay, bookmark.RequestsSentOfNextDay, bookmark.SentRequests, bookmark.LastError));
    }

    private static async Task<Dictionary<string, string>> ExpectedAsync(TestStore store, DateTimeOffset at, params (string Key, string Value)[] action)
    {
        var stored = await RawEventAtAsync(store, at);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["idsite"] = "42",
            ["rec"] = "1",
            ["cdt"] = at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["_id"] = Hex(stored.VisitorHash!.Value),
            ["cid"] = Hex(stored.VisitorHash!.Value),
            ["send_image"] = "0",
            ["apiv"] = "1",
        };
        if (stored.Country is not null)
        {
            expected["country"] = stored.Country.ToLowerInvariant();
        }

        foreach (var (key, value) in action)
        {
            expected[key] = value;
        }

        return expected;
    }

    [Fact]
    public async Task RequestsGoInChunksOfTheConfiguredSizeInTimeOrder()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        await IngestDayAsync(ingestion);
        await using var matomo = await MatomoStandIn.StartAsync();

        await Exporter(ingestion, matomo, o => o.ChunkSize = 3).ExportPendingAsync(Cancellation);

        Assert.Equal([3, 1], matomo.Posts.Select(p => p.Requests.Count));
        var times = matomo.Posts.SelectMany(p => p.Requests).Select(r => r["cdt"]).ToList();
        Assert.Equal(["2024-06-15 12:00:00", "2024-06-15 12:02:10", "2024-06-15 12:10:00", "2024-06-15 12:15:00"], times);
        Assert.All(matomo.Posts, p => Assert.Equal(Token, p.TokenAuth));
    }

    [Fact]
    public async Task AFailedChunkIsRetriedWithDoublingWaitsOnTheClock()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        await IngestDayAsync(ingestion);
        await using var matomo = await MatomoStandIn.StartAsync();
        matomo.Fails = n => n < 2;
        var exporter = Exporter(ingestion, matomo, o => o.RetryDelay = TimeSpan.FromSeconds(2));
        var start = ingestion.Clock.GetUtcNow();

        var report = await RunWithClockAsync(ingestion.Clock, exporter.ExportPendingAsync(Cancellation));

        Assert.Null(report.Error);
        Assert.Equal([false, false, true], matomo.Posts.Select(p => p.Tracked));
        // Waits of 2 s, then 4 s: the clock had to move at least 6 s; all three posts carry the same requests.
        Assert.True(ingestion.Clock.GetUtcNow() - start >= TimeSpan.FromSeconds(6));
        Assert.Single(matomo.Posts.Select(p => p.Body).Distinct());
        Assert.Equal(new DateOnly(2024, 6, 19), (await BookmarkAsync(store))!.LastDay);
    }

    /// <summary>Moves the fake clock a second at a time until <paramref name="run"/> is done: the waits are on the clock.</summary>
    private static async Task<T> RunWithClockAsync<T>(FakeTimeProvider clock, Task<T> run)
    {
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(10, Cancellation));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        return await run;
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AfterTheLastTryFailsTheNextRunResumesTheSameDayAfterTheConfirmedRequests(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestDayAsync(ingestion);
        await using var matomo = await MatomoStandIn.StartAsync();
        matomo.Fails = n => n >= 1;

        var failed = await Exporter(ingestion, matomo, o => { o.ChunkSize = 2; o.MaxAttempts = 2; o.RetryDelay = TimeSpan.Zero; }).ExportPendingAsync(Cancellation);

        Assert.StartsWith("2024-06-15: HTTP 503", failed.Error, StringComparison.Ordinal);
        Assert.Equal([true, false, false], matomo.Posts.Select(p => p.Tracked));
        var bookmark = await BookmarkAsync(store);
        // The bookmark stands just before the first day, and says where in that day the next run resumes.
        Assert.Equal((new DateOnly(2024, 6, 14), 2, 2L), (bookmark!.LastDay, bookmark.RequestsSentOfNextDay, bookmark.SentRequests));
        Assert.StartsWith("2024-06-15: HTTP 503", bookmark.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, bookmark.LastError, StringComparison.Ordinal);

        // A restart: a new exporter, the service answering again.
        matomo.Fails = _ => false;
        var resumed = await Exporter(ingestion, matomo, o => o.ChunkSize = 2).ExportPendingAsync(Cancellation);

        Assert.Null(resumed.Error);
        var sent = matomo.Tracked.SelectMany(p => p.Requests).Select(r => r["cdt"]).ToList();
        Assert.Equal(["2024-06-15 12:00:00", "2024-06-15 12:02:10", "2024-06-15 12:10:00", "2024-06-15 12:15:00"], sent);
        bookmark = await BookmarkAsync(store);
        Assert.Equal((new DateOnly(2024, 6, 19), 0, 4L, null), (bookmark!.LastDay, bookmark.RequestsSentOfNextDay, bookmark.SentRequests, bookmark.LastError));
    }

    [Fact]
    public async Task ASecondRunSendsNothingAgain()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        await IngestDayAsync(ingestion);
        await using var matomo = await MatomoStandIn.StartAsync();
        var exporter = Exporter(ingestion, matomo);
        await exporter.ExportPendingAsync(Cancellation);

        var again = await Exporter(ingestion, matomo).ExportPendingAsync(Cancellation);

        Assert.Empty(again.Days);
        Assert.Single(matomo.Posts);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ADayNotAggregatedYetStopsTheExportUntilItIs(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await IngestDayAsync(ingestion);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon.AddDays(2), sessionId: "late"));
        await using var matomo = await MatomoStandIn.StartAsync();

        await Exporter(ingestion, matomo).ExportPendingAsync(Cancellation);

        Assert.Equal(4, Assert.Single(matomo.Posts).Requests.Count);
        Assert.Equal(new DateOnly(2024, 6, 16), (await BookmarkAsync(store))!.LastDay);

        await ingestion.AggregateAsync();
        await Exporter(ingestion, matomo).ExportPendingAsync(Cancellation);

        Assert.Equal(2, matomo.Posts.Count);
        Assert.Equal("2024-06-17 12:00:00", Assert.Single(matomo.Posts.Last().Requests)["cdt"]);
        Assert.Equal(new DateOnly(2024, 6, 19), (await BookmarkAsync(store))!.LastDay);
    }

    [Fact]
    public async Task ANewBookmarkStartsYesterdayByDefaultAndKeepsThatStartWhileItIsNotAggregated()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        await IngestDayAsync(ingestion);
        var yesterday = ingestion.Clock.GetUtcNow().AddDays(-1);
        await ingestion.IngestAsync(TestEvents.View("rec-1", yesterday, sessionId: "yesterday"));
        await using var matomo = await MatomoStandIn.StartAsync();

        // Yesterday is not aggregated yet: nothing is sent, but the start is set.
        await Exporter(ingestion, matomo, o => o.FirstDay = null).ExportPendingAsync(Cancellation);
        Assert.Empty(matomo.Posts);

        ingestion.Clock.Advance(TimeSpan.FromDays(1));
        await ingestion.AggregateAsync();
        await Exporter(ingestion, matomo, o => o.FirstDay = null).ExportPendingAsync(Cancellation);

        // The day before the first run is sent even a day later; the older day (2024-06-15) never is.
        Assert.Equal("2024-06-19 09:00:00", Assert.Single(Assert.Single(matomo.Posts).Requests)["cdt"]);
        Assert.Equal(new DateOnly(2024, 6, 20), (await BookmarkAsync(store))!.LastDay);
    }

    [Fact]
    public async Task ADayWhoseRawEventsWerePurgedIsRecordedAsSkippedAndTheExportMovesOn()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        await IngestDayAsync(ingestion);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_noon.AddDays(1), sessionId: "next"));
        await ingestion.AggregateAsync();
        await using (var context = store.CreateContext())
        {
            await context.AggregatedDays.Where(d => d.Day == s_day)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.RawEventsPurgedAt, ingestion.Clock.GetUtcNow().UtcDateTime), Cancellation);
        }

        await using var matomo = await MatomoStandIn.StartAsync();

        var report = await Exporter(ingestion, matomo).ExportPendingAsync(Cancellation);

        Assert.Null(report.Error);
        Assert.Equal([(s_day, "raw events purged: not sent"), (s_day.AddDays(1), null)], report.Days.Select(d => (d.Day, d.Note)));
        Assert.Equal("2024-06-16 12:00:00", Assert.Single(Assert.Single(matomo.Posts).Requests)["cdt"]);
        var bookmark = await BookmarkAsync(store);
        Assert.Equal((new DateOnly(2024, 6, 19), 1), (bookmark!.LastDay, bookmark.PurgedDaysSkipped));
    }

    [Fact]
    public async Task TheDryRunRequestsAreWhatWouldBeSentAndSendNothing()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        await IngestDayAsync(ingestion);
        await using var matomo = await MatomoStandIn.StartAsync();
        var exporter = Exporter(ingestion, matomo);

        var requests = await exporter.BuildRequestsAsync(s_day, Cancellation);

        Assert.Empty(matomo.Posts);
        Assert.Null(await BookmarkAsync(store));
        await exporter.ExportPendingAsync(Cancellation);
        Assert.Equal(requests.Select(MatomoPost.Parameters), Assert.Single(matomo.Posts).Requests);
        Assert.All(requests, r => Assert.DoesNotContain(Token, r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheBackgroundExportIsOffByDefaultAndThenSendsNothing()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        await IngestDayAsync(ingestion);
        await using var matomo = await MatomoStandIn.StartAsync();
        var defaults = new OpenAireOptions();
        using var service = new OpenAireExportService(
            Exporter(ingestion, matomo), Options.Create(defaults), ingestion.Clock, NullLogger<OpenAireExportService>.Instance);

        await service.StartAsync(Cancellation);
        await service.ExecuteTask!;

        Assert.False(defaults.Enabled);
        Assert.Empty(matomo.Posts);
        Assert.Null(await BookmarkAsync(store));
    }

    [Fact]
    public async Task TheEnabledBackgroundExportSendsThePendingDaysAtStart()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        await IngestDayAsync(ingestion);
        await using var matomo = await MatomoStandIn.StartAsync();
        using var service = new OpenAireExportService(
            Exporter(ingestion, matomo), Options.Create(new OpenAireOptions { Enabled = true }), ingestion.Clock, NullLogger<OpenAireExportService>.Instance);

        await service.StartAsync(Cancellation);
        while ((await BookmarkAsync(store))?.LastDay != new DateOnly(2024, 6, 19))
        {
            await Task.Delay(20, Cancellation);
        }

        await service.StopAsync(Cancellation);
        Assert.Equal(4, Assert.Single(matomo.Posts).Requests.Count);
    }

    [Theory]
    [InlineData(nameof(OpenAireOptions.TrackingUrl))]
    [InlineData(nameof(OpenAireOptions.SiteId))]
    [InlineData(nameof(OpenAireOptions.TokenAuth))]
    [InlineData(nameof(OpenAireOptions.RecordUrlTemplate))]
    [InlineData(nameof(OpenAireOptions.FileUrlTemplate))]
    public void EnablingTheExportWithoutARequiredSettingFailsNamingIt(string setting)
    {
        var options = new OpenAireOptions
        {
            Enabled = true,
            TrackingUrl = new Uri("https://analytics.example.org/piwik.php"),
            SiteId = "42",
            TokenAuth = Token,
            RecordUrlTemplate = "https://repo.example.org/records/{recid}",
            FileUrlTemplate = "https://repo.example.org/records/{recid}/files/{file_key}",
        };
        typeof(OpenAireOptions).GetProperty(setting)!.SetValue(options, null);

        var result = new DataAnnotationValidateOptions<OpenAireOptions>(null).Validate(null, options);

        var failure = Assert.Single(result.Failures!);
        Assert.Contains($"Stats:OpenAire:{setting}", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, failure, StringComparison.Ordinal);
        Assert.True(new DataAnnotationValidateOptions<OpenAireOptions>(null).Validate(null, new OpenAireOptions()).Succeeded);
    }

    private sealed class LoopbackHttpClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
