using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Data;
using Stats.Tests.Infrastructure;
using Record = Stats.Core.Data.Record;

namespace Stats.Tests.Core.Sources;

/// <summary>Catalog sync over OAI-PMH 2.0, against a repository on loopback that answers as the protocol specifies.</summary>
public sealed class OaiPmhSyncTests
{
    private static readonly DateTime s_day1 = new(2024, 6, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime s_day2 = new(2024, 6, 2, 8, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static OaiRecord[] Repository() =>
    [
        new("100", s_day1) { Sets = ["user-hep"], Title = "Detector data" },
        new("101", s_day1.AddMinutes(1)) { Sets = ["user-hep", "openaire"], Title = "Detector data v2", VersionOf = "10.5281/zenodo.100" },
        new("200", s_day1.AddMinutes(2)) { Sets = ["user-eco"], Title = "Field notes", Rights = "info:eu-repo/semantics/restrictedAccess", Issued = "2023-11-02" },
    ];

    [Theory, MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AFirstSyncFillsRecordsVersionsCommunitiesAccessAndCommunityNamesAcrossResumptionTokens(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var oai = await OaiPmhStandIn.StartAsync();
        oai.PageSize = 2;
        oai.Sets["user-hep"] = "High-energy physics";
        oai.Sets["user-eco"] = "Ecology";
        oai.Sets["openaire"] = "OpenAIRE";
        oai.Put(Repository());
        var runner = CatalogSyncHarness.Runner(store, new FakeTimeProvider(s_day2), CatalogSyncHarness.Zenodo(oai));

        var report = await runner.SyncOkAsync();

        Assert.Equal((3, 3, 0, 0), (report.Seen, report.Changed, report.Deleted, report.Skipped));
        Assert.Contains(oai.Requests, r => r.Contains("resumptionToken=", StringComparison.Ordinal));
        var version = (await store.RecordAsync("101"))!;
        Assert.Equal(("100", "Detector data v2", AccessRight.Open, "dataset"), (version.ParentExternalId, version.Title, version.AccessRight, version.ResourceType));
        Assert.Equal(["hep"], CatalogSyncHarness.CommunitiesOf(version));
        var restricted = (await store.RecordAsync("200"))!;
        Assert.Equal((AccessRight.Restricted, new DateTime(2023, 11, 2)), (restricted.AccessRight, restricted.PublishedAt));
        Assert.Null((await store.RecordAsync("100"))!.ParentExternalId);
        await using var context = store.CreateContext();
        var names = await context.Communities.AsNoTracking().OrderBy(c => c.ExternalId).Select(c => c.ExternalId + "=" + c.Name).ToListAsync(Cancellation);
        Assert.Equal(["eco=Ecology", "hep=High-energy physics"], names);
        var state = await store.StateAsync("zenodo");
        Assert.Equal((s_day1.AddMinutes(2), (string?)null, 0), (state.Bookmark, state.Cursor, state.ConsecutiveFailures));
    }

    [Theory, MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AnIncrementalSyncAsksFromTheBookmarkAndAppliesANewVersionAMoveClosedAccessAndADeletion(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var oai = await OaiPmhStandIn.StartAsync();
        oai.Put(Repository());
        var runner = CatalogSyncHarness.Runner(store, new FakeTimeProvider(s_day2), CatalogSyncHarness.Zenodo(oai, prefix: "oai_dc"));
        await runner.SyncOkAsync();
        oai.Requests.Clear();

        oai.Put(
            new OaiRecord("102", s_day2) { Sets = ["user-hep"], VersionOf = "10.5281/zenodo.100" },
            new OaiRecord("101", s_day2) { Sets = ["user-eco"], Title = "Detector data v2" },
            new OaiRecord("200", s_day2) { Sets = ["user-eco"], Rights = "info:eu-repo/semantics/closedAccess" },
            new OaiRecord("100", s_day2) { Deleted = true });
        var report = await runner.SyncOkAsync();

        Assert.Contains(oai.Requests, r => r.Contains("from=2024-06-01T08%3A02%3A00Z", StringComparison.Ordinal));
        Assert.Equal((4, 1), (report.Seen, report.Deleted));
        Assert.Equal(["eco"], CatalogSyncHarness.CommunitiesOf((await store.RecordAsync("101"))!));
        Assert.Equal(AccessRight.Closed, (await store.RecordAsync("200"))!.AccessRight);
        Assert.Equal(s_day2, (await store.RecordAsync("100"))!.DeletedAt);
        Assert.NotNull(await store.RecordAsync("102"));
        Assert.Equal(s_day2, (await store.StateAsync("zenodo")).Bookmark);
    }

    [Fact]
    public async Task AnOlderStateFromTheSourceNeverOverwritesANewerOne()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var oai = await OaiPmhStandIn.StartAsync();
        oai.Put(new OaiRecord("100", s_day2) { Sets = ["user-hep"], Title = "Newer" });
        var runner = CatalogSyncHarness.Runner(store, new FakeTimeProvider(s_day2), CatalogSyncHarness.Zenodo(oai));
        await runner.SyncOkAsync();

        oai.Put(new OaiRecord("100", s_day1) { Sets = ["user-eco"], Title = "Older" });
        await runner.SyncOkAsync(full: true);

        var record = (await store.RecordAsync("100"))!;
        Assert.Equal("Newer", record.Title);
        Assert.Equal(["hep"], CatalogSyncHarness.CommunitiesOf(record));
    }

    [Theory, MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AnInterruptedSyncKeepsWhatItAppliedAndResumesFromItsResumptionToken(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var oai = await OaiPmhStandIn.StartAsync();
        oai.PageSize = 1;
        oai.Put(Repository());
        // The second page is cut off mid-document, once.
        oai.Malformed = n => n == 1;
        var clock = new FakeTimeProvider(s_day2);
        var runner = CatalogSyncHarness.Runner(store, clock, CatalogSyncHarness.Zenodo(oai));

        var failed = await runner.SyncAsync();

        Assert.Contains("not well-formed", failed.Error, StringComparison.Ordinal);
        var stopped = await store.StateAsync("zenodo");
        Assert.Equal((null, 1, s_day2.AddMinutes(1), 1L), (stopped.Bookmark, stopped.ConsecutiveFailures, stopped.NextRunAt, stopped.Seen));
        Assert.NotNull(stopped.Cursor);
        Assert.NotNull(await store.RecordAsync("100"));
        Assert.Null(await store.RecordAsync("101"));

        oai.Requests.Clear();
        var resumed = await runner.SyncOkAsync();

        Assert.StartsWith("?verb=ListRecords&resumptionToken=", oai.Requests.First(r => r.Contains("ListRecords", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(2, resumed.Seen);
        Assert.NotNull(await store.RecordAsync("200"));
        var done = await store.StateAsync("zenodo");
        Assert.Equal((s_day1.AddMinutes(2), (string?)null, 0), (done.Bookmark, done.Cursor, done.ConsecutiveFailures));
        Assert.Equal("Detector data", (await store.RecordAsync("100"))!.Title);
    }

    [Fact]
    public async Task WhileTheSourceIsSlowToAnswerTheSyncHoldsNoTransactionAndOtherWritersGoOn()
    {
        // SQLite has one writer at a time: a sync that kept its transaction open across the wait would block this one.
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var oai = await OaiPmhStandIn.StartAsync();
        oai.PageSize = 1;
        oai.Put(Repository());
        oai.BeforeListRecords = async n =>
        {
            if (n == 1)
            {
                await using var other = store.CreateContext();
                other.Communities.Add(new Community { ExternalId = "written-meanwhile" });
                await other.SaveChangesAsync(TestContext.Current.CancellationToken);
            }
        };
        var runner = CatalogSyncHarness.Runner(store, new FakeTimeProvider(s_day2), CatalogSyncHarness.Zenodo(oai));

        var report = await runner.SyncOkAsync();

        Assert.Equal(3, report.Seen);
        await using var context = store.CreateContext();
        Assert.True(await context.Communities.AnyAsync(c => c.ExternalId == "written-meanwhile", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AnExpiredResumptionTokenRestartsTheListAsTheProtocolSays()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var oai = await OaiPmhStandIn.StartAsync();
        oai.PageSize = 1;
        oai.Put(Repository());
        oai.Malformed = n => n == 1;
        var runner = CatalogSyncHarness.Runner(store, new FakeTimeProvider(s_day2), CatalogSyncHarness.Zenodo(oai));
        Assert.NotNull((await runner.SyncAsync()).Error);

        oai.ExpireTokens();
        var resumed = await runner.SyncOkAsync();

        Assert.Equal(3, resumed.Seen);
        Assert.NotNull(await store.RecordAsync("200"));
    }

    [Fact]
    public async Task NoRecordsMatchIsAnEmptyPassThatKeepsTheBookmark()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var oai = await OaiPmhStandIn.StartAsync();
        oai.Put(Repository());
        var runner = CatalogSyncHarness.Runner(store, new FakeTimeProvider(s_day2), CatalogSyncHarness.Zenodo(oai));
        await runner.SyncOkAsync();
        // A repository with nothing since the bookmark answers noRecordsMatch.
        await using var empty = await OaiPmhStandIn.StartAsync();
        var emptyRunner = CatalogSyncHarness.Runner(store, new FakeTimeProvider(s_day2), CatalogSyncHarness.Zenodo(empty));

        var report = await emptyRunner.SyncOkAsync();

        Assert.Equal(0, report.Seen);
        Assert.Contains(empty.Requests, r => r.Contains("from=2024-06-01T08%3A02%3A00Z", StringComparison.Ordinal));
        Assert.Equal(s_day1.AddMinutes(2), (await store.StateAsync("zenodo")).Bookmark);
    }

    [Fact]
    public async Task AnOaiErrorFailsTheSourceKeepsItsBookmarkAndWaitsLongerBeforeEachRetry()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var oai = await OaiPmhStandIn.StartAsync();
        oai.Put(Repository());
        var clock = new FakeTimeProvider(s_day2);
        var source = CatalogSyncHarness.Zenodo(oai);
        await CatalogSyncHarness.Runner(store, clock, source).SyncOkAsync();
        source.MetadataPrefix = "marc21";
        var runner = CatalogSyncHarness.Runner(store, clock, source);

        var first = await runner.SyncAsync();
        clock.Advance(TimeSpan.FromMinutes(1));
        var second = await runner.SyncAsync();

        Assert.Contains("cannotDisseminateFormat", first.Error, StringComparison.Ordinal);
        Assert.NotNull(second.Error);
        var state = await store.StateAsync("zenodo");
        Assert.Equal((s_day1.AddMinutes(2), 2, clock.GetUtcNow().UtcDateTime.AddMinutes(2)), (state.Bookmark, state.ConsecutiveFailures, state.NextRunAt));
        Assert.Contains("cannotDisseminateFormat", state.LastError, StringComparison.Ordinal);

        // Not due yet: the schedule leaves it alone until its backoff has passed.
        Assert.Empty(await runner.SyncDueAsync(TestContext.Current.CancellationToken));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Single(await runner.SyncDueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ARecordTheSourceDescribesBadlyIsReportedAndSkippedAndTheOthersApplied()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var oai = await OaiPmhStandIn.StartAsync();
        oai.Put([.. Repository(), new OaiRecord("bad", s_day1) { Identifier = "oai:elsewhere.org:bad" }]);
        var runner = CatalogSyncHarness.Runner(store, new FakeTimeProvider(s_day2), CatalogSyncHarness.Zenodo(oai));

        var report = await runner.SyncOkAsync();

        Assert.Equal((4, 1), (report.Seen, report.Skipped));
        Assert.Equal("oai:elsewhere.org:bad", Assert.Single(report.Problems).Record);
        Assert.NotNull(await store.RecordAsync("200"));
        Assert.StartsWith("oai:elsewhere.org:bad: ", (await store.StateAsync("zenodo")).LastSkip, StringComparison.Ordinal);
    }
}
