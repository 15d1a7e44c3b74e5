using Microsoft.EntityFrameworkCore;
using Stats.Core.Catalog;
using Stats.Core.Data;
using Stats.Core.Enrichment;
using Stats.Core.Events;
using Stats.Core.Ingestion;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Ingestion;

public sealed class EventIngestorTests
{
    private static readonly DateTimeOffset s_day = new(2024, 6, 15, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task StoresEventsAndTheRecordCatalogFromAPublication(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);

        var result = await ingestion.IngestAsync(
            TestEvents.Published("rec-1", s_day, owner: "owner-7", communities: ["hep", "climate"], accessRight: "embargoed", parentRecid: "concept-1", title: "Proton data"),
            TestEvents.View("rec-1", s_day.AddMinutes(5)),
            TestEvents.Download("rec-1", "data.csv", s_day.AddMinutes(6), size: 9000));

        Assert.Equal(3, result.Accepted);
        Assert.Empty(result.Rejected);
        await using var context = store.CreateContext();
        var record = await context.Records.Include(r => r.Communities).Include(r => r.Files).SingleAsync(Cancellation);
        Assert.Equal("rec-1", record.ExternalId);
        Assert.Equal("concept-1", record.ParentExternalId);
        Assert.Equal("owner-7", record.OwnerId);
        Assert.Equal("Proton data", record.Title);
        Assert.Equal("dataset", record.ResourceType);
        Assert.Equal(AccessRight.Embargoed, record.AccessRight);
        Assert.Equal(s_day.UtcDateTime, record.PublishedAt);
        Assert.Null(record.DeletedAt);
        Assert.Equal(["climate", "hep"], record.Communities.Select(c => c.ExternalId).Order(StringComparer.Ordinal));
        var file = Assert.Single(record.Files);
        Assert.Equal(("data.csv", 9000L), (file.Key, file.Size));

        var events = await context.RawEvents.OrderBy(e => e.Timestamp).ToListAsync(Cancellation);
        Assert.Equal(
            [EventCatalog.RecordPublished, EventCatalog.RecordView, EventCatalog.FileDownload],
            events.Select(e => EventCatalog.BuiltIn[e.TypeId - 1].Name));
        Assert.All(events, e => Assert.Equal(record.Id, e.RecordId));
        Assert.Equal([null, null, file.Id], events.Select(e => e.FileId));
        Assert.Equal(9000, events[2].Amount);
        Assert.Equal(s_day.AddMinutes(6).UtcDateTime, events[2].Timestamp);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task LaterLifecycleEventsReplaceOwnerCommunitiesAndAccessRight(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(TestEvents.Published("rec-1", s_day, owner: "owner-7", communities: ["hep", "climate"], accessRight: "open"));

        await ingestion.IngestAsync(
            TestEvents.Lifecycle(EventCatalog.RecordUpdated, "rec-1", s_day.AddDays(1), owner: "owner-8", communities: ["ecology"], accessRight: "Restricted"),
            TestEvents.Lifecycle(EventCatalog.RecordDeleted, "rec-1", s_day.AddDays(2), owner: null, communities: null, accessRight: null));

        await using var context = store.CreateContext();
        var record = await context.Records.Include(r => r.Communities).SingleAsync(Cancellation);
        Assert.Equal("owner-8", record.OwnerId);
        Assert.Equal(AccessRight.Restricted, record.AccessRight);
        Assert.Equal(["ecology"], record.Communities.Select(c => c.ExternalId));
        Assert.Equal(s_day.UtcDateTime, record.PublishedAt);
        Assert.Equal(s_day.AddDays(2).UtcDateTime, record.DeletedAt);
        Assert.Equal(3, await context.Communities.CountAsync(Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task UsageSeenBeforeThePublicationIsAttachedToTheSameRecord(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(TestEvents.View("rec-1", s_day));

        await ingestion.IngestAsync(TestEvents.Published("rec-1", s_day.AddDays(-3), owner: "owner-7", communities: ["hep"]));

        await using var context = store.CreateContext();
        var record = await context.Records.SingleAsync(Cancellation);
        Assert.Equal(("owner-7", s_day.AddDays(-3).UtcDateTime), (record.OwnerId, record.PublishedAt));
        Assert.All(await context.RawEvents.ToListAsync(Cancellation), e => Assert.Equal(record.Id, e.RecordId));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ABatchOfFirstSeenRecordsAndFilesGetsOneCatalogRowEach(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var downloads = Enumerable.Range(0, 60).SelectMany(r => new[]
        {
            TestEvents.Download($"rec-{r}", "data.csv", s_day.AddSeconds(r)),
            TestEvents.Download($"rec-{r}", "paper.pdf", s_day.AddSeconds(r)),
            TestEvents.Download($"rec-{r}", "data.csv", s_day.AddSeconds(r + 1)),
        });

        await ingestion.IngestAsync([TestEvents.Published("rec-7", s_day, communities: ["hep"]), .. downloads]);

        await using var context = store.CreateContext();
        var records = await context.Records.Include(r => r.Files).Include(r => r.Communities).ToListAsync(Cancellation);
        Assert.Equal(60, records.Count);
        Assert.All(records, r => Assert.Equal(["data.csv", "paper.pdf"], r.Files.Select(f => f.Key).Order(StringComparer.Ordinal)));
        Assert.Equal(["hep"], records.Single(r => r.ExternalId == "rec-7").Communities.Select(c => c.ExternalId));
        var fileIds = records.SelectMany(r => r.Files).ToDictionary(f => f.Id, f => f.RecordId);
        var events = await context.RawEvents.Where(e => e.FileId != null).ToListAsync(Cancellation);
        Assert.Equal(180, events.Count);
        Assert.All(events, e => Assert.Equal(fileIds[e.FileId!.Value], e.RecordId));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ABatchMixingStoredAndNewRecordsAndFilesGivesEachEventItsOwnKeys(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            [.. Enumerable.Range(0, 20).Select(r => TestEvents.Download($"rec-{r}", "data.csv", s_day.AddSeconds(r)))]);

        // Stored records with a stored file and a new one, and new records, interleaved: the stored keys are found
        // before the batch is queued, the new ones by the writer.
        await ingestion.IngestAsync([.. Enumerable.Range(0, 40).SelectMany(r => new[]
        {
            TestEvents.Download($"rec-{r}", "data.csv", s_day.AddMinutes(1).AddSeconds(r)),
            TestEvents.Download($"rec-{r}", r % 2 == 0 ? "data.csv" : "paper.pdf", s_day.AddMinutes(2).AddSeconds(r)),
            TestEvents.View($"rec-{r}", s_day.AddMinutes(3).AddSeconds(r)),
        })]);

        await using var context = store.CreateContext();
        var records = await context.Records.ToDictionaryAsync(r => r.Id, r => r.ExternalId, Cancellation);
        var files = await context.RecordFiles.ToDictionaryAsync(f => f.Id, f => (f.RecordId, f.Key), Cancellation);
        Assert.Equal(40, records.Count);
        Assert.Equal(60, files.Count);
        var events = await context.RawEvents.Where(e => e.Timestamp >= s_day.AddMinutes(1).UtcDateTime).ToListAsync(Cancellation);
        Assert.Equal(120, events.Count);
        foreach (var e in events)
        {
            var r = int.Parse(records[e.RecordId!.Value]["rec-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var second = (int)(e.Timestamp - s_day.UtcDateTime).TotalSeconds;
            Assert.Equal(r, second % 60);
            var expectedFile = (second / 60) switch { 1 => "data.csv", 2 => r % 2 == 0 ? "data.csv" : "paper.pdf", _ => null };
            Assert.Equal(expectedFile, e.FileId is { } fileId ? files[fileId].Key : null);
            Assert.True(e.FileId is null || files[e.FileId.Value].RecordId == e.RecordId);
        }
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ADownloadNamingItsBucketTeachesTheCatalogWhichRecordTheBucketBelongsTo(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        IncomingEvent InBucket(string recid, string bucket, int second) =>
            new() { Type = EventCatalog.FileDownload, Timestamp = s_day.AddSeconds(second), Recid = recid, FileKey = "data.csv", BucketId = bucket };

        await ingestion.IngestAsync(InBucket("rec-1", "b-1", 0), InBucket("rec-1", "b-1", 1), InBucket("rec-2", "b-2", 2));
        await ingestion.IngestAsync(InBucket("rec-1", "b-1", 3), InBucket("rec-3", "b-3", 4));

        await using var context = store.CreateContext();
        var learned = await CatalogKeys.RecordsOfBuckets(context, ["b-1", "b-2", "b-3", "b-unknown"]).ToListAsync(Cancellation);
        Assert.Equal(
            [("b-1", "rec-1"), ("b-2", "rec-2"), ("b-3", "rec-3")],
            learned.Select(b => (b.BucketId, b.Recid)).OrderBy(b => b.BucketId, StringComparer.Ordinal));
        Assert.Equal(3, await context.RecordBuckets.CountAsync(Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task StoresNoRawAddressUserAgentUserIdOrSessionIdAnywhere(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        const string UserAgent = "Mozilla/5.0 (X11; Linux x86_64) PrivacyProbeAgent/7.3.1";
        string[] secrets = [
            "8.8.4.4", "2001:4860:4860::8844", "PrivacyProbeAgent", "user-privacy-probe-5521", "session-privacy-probe-8830",
            "private-path-probe", "privacy-probe-query", "Mozilla/5.0"];

        var result = await ingestion.IngestAsync(
            TestEvents.Published("rec-privacy", s_day, communities: ["hep"]),
            TestEvents.View("rec-privacy", s_day.AddMinutes(1), userId: "user-privacy-probe-5521", sessionId: "session-privacy-probe-8830", ip: "8.8.4.4", userAgent: UserAgent),
            TestEvents.Download("rec-privacy", "data.csv", s_day.AddMinutes(2), sessionId: "session-privacy-probe-8830", ip: "8.8.4.4", userAgent: UserAgent),
            TestEvents.View("rec-privacy", s_day.AddMinutes(3), ip: "2001:4860:4860::8844", userAgent: UserAgent),
            new IncomingEvent
            {
                Type = EventCatalog.LoanCreated, Timestamp = s_day.AddMinutes(4), DocumentId = "doc-1", Location = "Annex",
                UserId = "user-privacy-probe-5521", IpAddress = "8.8.4.4", UserAgent = UserAgent,
            },
            new IncomingEvent
            {
                Type = EventCatalog.RecordView, Timestamp = s_day.AddMinutes(5), Recid = "rec-privacy", IpAddress = "8.8.4.4", UserAgent = UserAgent,
                Referrer = "https://www.example.org/private-path-probe/page?q=privacy-probe-query",
            });

        Assert.Equal(6, result.Accepted);
        await using var context = store.CreateContext();
        var texts = new List<string>();
        foreach (var table in StoreInspector.Tables(context))
        {
            foreach (var row in await StoreInspector.RowsAsync(context, table))
            {
                texts.AddRange(row.Select(AsText).OfType<string>());
            }
        }

        // The scan reads what was stored: the record's id is there, and the visitors' country took the place of their address.
        Assert.Contains("rec-privacy", texts);
        Assert.Contains(texts, t => t.Trim() == "US");
        // ... and the referrer's host, the address's network and the agent's family took the place of the rest.
        Assert.Contains("example.org", texts);
        Assert.Contains("AS15169 Google LLC", texts);
        Assert.Contains(UserAgentFamilies.Other, texts);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheSameVisitorGetsTheSameHashOnOneDayAndAnotherOnTheNextDay(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        // Live traffic: "now" is the day after, inside the salts' grace period.
        await using var ingestion = new IngestionHarness(store, now: s_day.AddDays(1).AddHours(2));

        await ingestion.IngestAsync(
            TestEvents.View("rec-1", s_day, userId: "alice"),
            TestEvents.View("rec-1", s_day.AddHours(5), userId: "alice"),
            TestEvents.View("rec-1", s_day.AddHours(6), userId: "bob"),
            TestEvents.View("rec-1", s_day.AddDays(1), userId: "alice"));

        await using var context = store.CreateContext();
        var hashes = await context.RawEvents.OrderBy(e => e.Timestamp).Select(e => e.VisitorHash).ToListAsync(Cancellation);
        Assert.All(hashes, h => Assert.NotNull(h));
        Assert.Equal(hashes[0], hashes[1]);
        Assert.NotEqual(hashes[0], hashes[2]);
        Assert.NotEqual(hashes[0], hashes[3]);
        var salts = await context.DailySalts.OrderBy(s => s.Day).ToListAsync(Cancellation);
        Assert.Equal([DateOnly.FromDateTime(s_day.UtcDateTime), DateOnly.FromDateTime(s_day.UtcDateTime).AddDays(1)], salts.Select(s => s.Day));
        Assert.NotEqual(salts[0].Salt, salts[1].Salt);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task SessionHashesFollowTheCounterSessionOfTheUtcDayAndHour(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var at = new DateTimeOffset(2024, 6, 15, 13, 35, 0, TimeSpan.Zero);

        await ingestion.IngestAsync(
            TestEvents.View("rec-1", at, ip: "192.1.1.168", userAgent: "Mozilla/5.0"),
            // 13:50 UTC, sent with a +02:00 offset: the same clock-hour slice.
            TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 15, 15, 50, 0, TimeSpan.FromHours(2)), ip: "192.1.1.168", userAgent: "Mozilla/5.0"),
            TestEvents.View("rec-1", at.AddMinutes(30), ip: "192.1.1.168", userAgent: "Mozilla/5.0"),
            TestEvents.View("rec-2", at, sessionId: "s-1"),
            TestEvents.View("rec-2", at.AddHours(5), sessionId: "s-1"),
            TestEvents.View("rec-2", at.AddDays(1), sessionId: "s-1"));

        await using var context = store.CreateContext();
        var byAddress = await SessionHashesAsync(context, "rec-1");
        var bySession = await SessionHashesAsync(context, "rec-2");
        Assert.Equal(byAddress[0], byAddress[1]);
        Assert.NotEqual(byAddress[1], byAddress[2]);
        Assert.Equal(bySession[0], bySession[1]);
        Assert.NotEqual(bySession[1], bySession[2]);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task MarksEveryDayItsEventsFallOnHoweverOld(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var firstBatchAt = ingestion.Clock.GetUtcNow().UtcDateTime;

        await ingestion.IngestAsync(
            TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 15, 23, 59, 59, TimeSpan.Zero)),
            TestEvents.View("rec-1", new DateTimeOffset(2023, 1, 2, 0, 0, 0, TimeSpan.Zero)));
        ingestion.Clock.Advance(TimeSpan.FromHours(1));
        await ingestion.IngestAsync(
            TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 15, 8, 0, 0, TimeSpan.Zero)),
            TestEvents.View("rec-1", new DateTimeOffset(2024, 6, 16, 0, 0, 0, TimeSpan.Zero)));

        await using var context = store.CreateContext();
        var dirty = await context.DirtyDays.OrderBy(d => d.Day).ToListAsync(Cancellation);
        // A click at midnight can close a double-click of the day before: that day is marked too, with no events of its own.
        Assert.Equal(
            [(new DateOnly(2023, 1, 1), 0L), (new DateOnly(2023, 1, 2), 1L), (new DateOnly(2024, 6, 15), 2L), (new DateOnly(2024, 6, 16), 1L)],
            dirty.Select(d => (d.Day, d.PendingEvents)));
        Assert.Equal(firstBatchAt, dirty[1].MarkedAt);
        Assert.Equal(firstBatchAt, dirty[2].MarkedAt);
        Assert.Equal(firstBatchAt.AddHours(1), dirty[3].MarkedAt);
        Assert.Equal(1, dirty[1].Version);
        Assert.Equal(2, dirty[2].Version);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AVisitorInTheFirstSecondsOfADayIsAlsoHashedWithThePreviousDaysSalt(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var midnight = new DateTimeOffset(2024, 6, 16, 0, 0, 0, TimeSpan.Zero);

        await ingestion.IngestAsync(
            TestEvents.View("rec-1", midnight.AddSeconds(-10), userId: "u-1"),
            TestEvents.View("rec-1", midnight.AddSeconds(10), userId: "u-1"),
            TestEvents.View("rec-1", midnight.AddSeconds(31), userId: "u-1"));

        await using var context = store.CreateContext();
        var rows = await context.RawEvents.OrderBy(e => e.Timestamp).ToListAsync(Cancellation);
        Assert.Null(rows[0].PrecedingVisitorHash);
        Assert.Equal(rows[0].VisitorHash, rows[1].PrecedingVisitorHash);
        Assert.NotEqual(rows[0].VisitorHash, rows[1].VisitorHash);
        Assert.Null(rows[2].PrecedingVisitorHash);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AnOlderLifecycleEventArrivingLateDoesNotOverwriteANewerState(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(TestEvents.Lifecycle(EventCatalog.RecordUpdated, "rec-1", s_day.AddDays(2), owner: "owner-new", communities: ["ecology"], accessRight: "closed"));

        await ingestion.IngestAsync(TestEvents.Published("rec-1", s_day, owner: "owner-old", communities: ["hep"], accessRight: "open"));

        await using var context = store.CreateContext();
        var record = await context.Records.Include(r => r.Communities).SingleAsync(Cancellation);
        Assert.Equal(("owner-new", AccessRight.Closed), (record.OwnerId, record.AccessRight));
        Assert.Equal(["ecology"], record.Communities.Select(c => c.ExternalId));
        Assert.Equal(s_day.UtcDateTime, record.PublishedAt);
        Assert.Equal(s_day.AddDays(2).UtcDateTime, record.UpdatedAt);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task RejectsInvalidEventsWithReadableErrorsAndStoresTheValidOnesOfTheBatch(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);

        var result = await ingestion.IngestAsync(
            TestEvents.View("rec-1", s_day),
            new IncomingEvent { Type = "page-liked", Timestamp = s_day },
            new IncomingEvent { Type = EventCatalog.FileDownload, Timestamp = s_day, Recid = "rec-1" },
            new IncomingEvent { Type = EventCatalog.RecordView, Timestamp = s_day },
            new IncomingEvent { Type = EventCatalog.FileDownload, Timestamp = s_day, Recid = " " },
            TestEvents.Download("rec-1", "data.csv", s_day.AddMinutes(1)));

        Assert.Equal(2, result.Accepted);
        Assert.Equal([1, 2, 3, 4], result.Rejected.Select(r => r.Index));
        Assert.Equal(["unknown event type 'page-liked'"], result.Rejected[0].Errors);
        Assert.Equal(["field 'file_key' is required"], result.Rejected[1].Errors);
        Assert.Equal(["field 'recid' is required"], result.Rejected[2].Errors);
        Assert.Equal(["field 'recid' is required", "field 'file_key' is required"], result.Rejected[3].Errors);
        await using var context = store.CreateContext();
        Assert.Equal(
            [EventCatalog.CodeOf(EventCatalog.RecordView), EventCatalog.CodeOf(EventCatalog.FileDownload)],
            await context.RawEvents.OrderBy(e => e.Timestamp).Select(e => e.TypeId).ToListAsync(Cancellation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task EnrichmentKeepsRobotAndMachineFlagsAndTheCountry(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);

        await ingestion.IngestAsync(
            TestEvents.View("rec-1", s_day, ip: "8.8.8.8"),
            TestEvents.View("rec-1", s_day.AddMinutes(1), ip: "10.1.2.3", userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
            TestEvents.View("rec-1", s_day.AddMinutes(2), ip: "2001:4860:4860::8888", userAgent: "curl/8.5.0"),
            new IncomingEvent { Type = EventCatalog.RecordView, Timestamp = s_day.AddMinutes(3), Recid = "rec-1", ViaApi = true });

        await using var context = store.CreateContext();
        var events = await context.RawEvents.OrderBy(e => e.Timestamp).ToListAsync(Cancellation);
        Assert.Equal(
            [(EventTraits.None, "US"), (EventTraits.Robot, null), (EventTraits.Machine, "US"), (EventTraits.ViaApi, null)],
            events.Select(e => (e.Traits, e.Country)));
        Assert.Null(events[3].VisitorHash);
        Assert.Null(events[3].SessionHash);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task EnrichmentKeepsTheOrganisationTheReferrerHostAndTheAgentFamilyAsLabels(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);

        await ingestion.IngestAsync(
            new IncomingEvent
            {
                Type = EventCatalog.RecordView, Timestamp = s_day, Recid = "rec-1", IpAddress = "137.138.62.1",
                UserAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                Referrer = "https://www.google.com/search?q=higgs",
            },
            TestEvents.Download("rec-1", "data.csv", s_day.AddMinutes(1), ip: "2001:1458:d00:1::100:ff", userAgent: "python-requests/2.32.3"),
            TestEvents.View("rec-1", s_day.AddMinutes(2), ip: "192.168.1.20", userAgent: null));

        await using var context = store.CreateContext();
        var labels = await context.Labels.ToDictionaryAsync(l => l.Id, l => (l.Kind, l.Value), Cancellation);
        var events = await context.RawEvents.OrderBy(e => e.Timestamp).ToListAsync(Cancellation);
        (LabelKind, string)? Label(int? id) => id is { } i ? labels[i] : null;
        const string Cern = "AS513 CERN - European Organization for Nuclear Research";
        ((LabelKind, string)? Organisation, (LabelKind, string)? Referrer, (LabelKind, string)? Agent)[] expected =
            [
                ((LabelKind.Organisation, Cern), (LabelKind.Referrer, "google.com"), (LabelKind.Agent, "Firefox")),
                ((LabelKind.Organisation, Cern), null, (LabelKind.Agent, "python-requests")),
                (null, null, null),
            ];
        Assert.Equal(expected, events.Select(e => (Label(e.OrganisationId), Label(e.ReferrerId), Label(e.AgentId))));
        // One label per organisation, however many events name it.
        Assert.Single(labels.Values, l => l.Kind == LabelKind.Organisation);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AnOrganisationFoundAgainInLaterBatchesKeepsTheLabelItWasStoredWith(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);

        // The first batch stores the label; later ones find its id by the organisation's place in the ASN table, from an
        // IPv4 and an IPv6 range of the same organisation, beside another organisation found by name the first time.
        string[] addresses = ["137.138.62.1", "2001:1458:d00:1::100:ff", "8.8.8.8", "188.185.10.20", "2001:4860:4860::8888", "137.138.1.1"];
        for (var i = 0; i < addresses.Length; i++)
        {
            await ingestion.IngestAsync(TestEvents.View("rec-1", s_day.AddMinutes(i), ip: addresses[i]));
        }

        await using var context = store.CreateContext();
        var labels = await context.Labels.Where(l => l.Kind == LabelKind.Organisation).ToDictionaryAsync(l => l.Id, l => l.Value, Cancellation);
        var stored = await context.RawEvents.OrderBy(e => e.Timestamp).Select(e => e.OrganisationId).ToListAsync(Cancellation);
        Assert.Equal(addresses.Select(ShippedReferenceData.Organisations.OrganisationOf), stored.Select(id => id is { } i ? labels[i] : null));
        Assert.Equal(2, labels.Count);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TwoAsnTablesThatNumberTheirOrganisationsAlikeNeverLendEachOtherALabel(DatabaseProvider provider)
    {
        var first = Path.GetTempFileName();
        var second = Path.GetTempFileName();
        try
        {
            // Each table's first organisation has the same index in it, but another name.
            File.WriteAllLines(first, ["198.51.100.0,198.51.100.255,64500,Alpha", "203.0.113.0,203.0.113.255,64501,Beta"]);
            File.WriteAllLines(second, ["203.0.113.0,203.0.113.255,64501,Beta", "198.51.100.0,198.51.100.255,64500,Alpha"]);
            using var alphaFirst = new AsnResolver([first]);
            using var betaFirst = new AsnResolver([second]);
            await using var store = await TestStore.CreateAsync(provider);
            await using var ingestion = new IngestionHarness(store);
            var viaAlphaFirst = ingestion.CreateIngestor(ingestion.Writer, new VisitorSources(alphaFirst));
            var viaBetaFirst = ingestion.CreateIngestor(ingestion.Writer, new VisitorSources(betaFirst));

            (EventIngestor Ingestor, string Address)[] batches =
                [(viaAlphaFirst, "198.51.100.1"), (viaAlphaFirst, "198.51.100.2"), (viaBetaFirst, "203.0.113.1"), (viaBetaFirst, "203.0.113.2"), (viaAlphaFirst, "198.51.100.3")];
            for (var i = 0; i < batches.Length; i++)
            {
                await batches[i].Ingestor.IngestAsync([TestEvents.View("rec-1", s_day.AddMinutes(i), ip: batches[i].Address)], Cancellation);
            }

            await using var context = store.CreateContext();
            var labels = await context.Labels.Where(l => l.Kind == LabelKind.Organisation).ToDictionaryAsync(l => l.Id, l => l.Value, Cancellation);
            var stored = await context.RawEvents.OrderBy(e => e.Timestamp).Select(e => e.OrganisationId).ToListAsync(Cancellation);
            Assert.Equal(
                ["AS64500 Alpha", "AS64500 Alpha", "AS64501 Beta", "AS64501 Beta", "AS64500 Alpha"],
                stored.Select(id => id is { } i ? labels[i] : null));
        }
        finally
        {
            File.Delete(first);
            File.Delete(second);
        }
    }

    [Theory]
    [InlineData("evt-1")]
    [InlineData("ünïcödé-Ereignis-42")]
    [InlineData(null)]
    public void ClientIdHashIsTheStartOfTheSha256OfThePrefixedId(string? id)
    {
        // Ids past the stack buffer take the pooled-array path.
        id ??= new string('x', 2_000);

        var expected = BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("stats-event-id|" + id)), 0);

        Assert.Equal(expected, EventIngestor.ClientIdHash(id));
    }

    private static async Task<List<long?>> SessionHashesAsync(StatsDbContext context, string recid)
    {
        var recordId = await CatalogKeys.RecordIdOf(context, recid).SingleAsync(Cancellation);
        return await context.RawEvents.Where(e => e.RecordId == recordId).OrderBy(e => e.Timestamp).Select(e => e.SessionHash).ToListAsync(Cancellation);
    }

    private static string? AsText(object? value) => value switch
    {
        string text => text,
        byte[] bytes => System.Text.Encoding.Latin1.GetString(bytes),
        null => null,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
