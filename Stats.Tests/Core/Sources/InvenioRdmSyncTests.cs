using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Data;
using Stats.Tests.Infrastructure;
using Record = Stats.Core.Data.Record;

namespace Stats.Tests.Core.Sources;

/// <summary>Catalog sync from InvenioRDM's REST API, against a stand-in that answers in its shapes.</summary>
public sealed class InvenioRdmSyncTests
{
    private const string Hep = "5f0a1c4e-0000-4000-8000-000000000001";
    private const string Eco = "5f0a1c4e-0000-4000-8000-000000000002";
    private const string BucketV1 = "0e4b2f3a-1111-4111-8111-111111111111";

    private static readonly DateTime s_day1 = new(2024, 6, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime s_now = new(2024, 6, 20, 9, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ASyncMapsVersionsOwnersCommunitySlugsAccessFilesAndBucketsAndTombstones(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var rdm = await InvenioRdmStandIn.StartAsync();
        rdm.Token = "secret-token";
        rdm.Communities[Hep] = ("hep", "High-energy physics");
        rdm.Communities[Eco] = ("eco", "Ecology");
        rdm.Put(
            new RdmRecord("abcd-0001", "conc-0001", s_day1) { Communities = [Hep], Owner = "17", Files = [("data.csv", 9000, BucketV1)] },
            new RdmRecord("abcd-0002", "conc-0001", s_day1.AddHours(1)) { Communities = [Hep, Eco], FilesAccess = "restricted", Owner = "17" },
            new RdmRecord("abcd-0003", "conc-0003", s_day1.AddHours(2)) { Embargoed = true, Owner = "18" },
            new RdmRecord("abcd-0004", "conc-0004", s_day1.AddHours(3)) { RecordAccess = "restricted", FilesAccess = "restricted" },
            new RdmRecord("gone-0005", "conc-0005", s_day1.AddHours(4)) { Deleted = true });
        var runner = CatalogSyncHarness.Runner(store, new FakeTimeProvider(s_now), CatalogSyncHarness.Rdm(rdm, pageSize: 2, token: "secret-token"));

        var report = await runner.SyncOkAsync();

        Assert.Equal((5, 1), (report.Seen, report.Deleted));
        var first = (await store.RecordAsync("abcd-0001"))!;
        Assert.Equal(("conc-0001", "17", AccessRight.Open, new DateTime(2024, 1, 15)), (first.ParentExternalId, first.OwnerId, first.AccessRight, first.PublishedAt));
        Assert.Equal(["eco", "hep"], CatalogSyncHarness.CommunitiesOf((await store.RecordAsync("abcd-0002"))!));
        Assert.Equal(AccessRight.Restricted, (await store.RecordAsync("abcd-0002"))!.AccessRight);
        Assert.Equal(AccessRight.Embargoed, (await store.RecordAsync("abcd-0003"))!.AccessRight);
        Assert.Equal(AccessRight.Closed, (await store.RecordAsync("abcd-0004"))!.AccessRight);
        Assert.NotNull((await store.RecordAsync("gone-0005"))!.DeletedAt);
        await using var context = store.CreateContext();
        var bucket = await context.RecordBuckets.AsNoTracking().SingleAsync(Cancellation);
        Assert.Equal((BucketV1, first.Id, "rdm"), (bucket.BucketId, bucket.RecordId, bucket.Source));
        Assert.Equal(9000, (await context.RecordFiles.AsNoTracking().SingleAsync(f => f.RecordId == first.Id, Cancellation)).Size);
        Assert.Equal("High-energy physics", (await context.Communities.AsNoTracking().SingleAsync(c => c.ExternalId == "hep", Cancellation)).Name);
        Assert.Equal(s_day1.AddHours(4), (await store.StateAsync("rdm")).Bookmark);
    }

    [Fact]
    public async Task AnIncrementalSyncAsksOnlyForWhatWasUpdatedSinceTheBookmark()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var rdm = await InvenioRdmStandIn.StartAsync();
        rdm.Put(new RdmRecord("abcd-0001", "conc-0001", s_day1));
        var clock = new FakeTimeProvider(s_now);
        var runner = CatalogSyncHarness.Runner(store, clock, CatalogSyncHarness.Rdm(rdm));
        await runner.SyncOkAsync();

        rdm.Put(new RdmRecord("abcd-0002", "conc-0001", s_now.AddHours(1)));
        clock.Advance(TimeSpan.FromHours(2));
        var report = await runner.SyncOkAsync();

        Assert.Equal(2, report.Seen); // The bookmark's own instant is read again: the range starts inclusive.
        Assert.StartsWith("updated:[\"2024-06-01T08:00:00.000Z\" TO ", rdm.RecordQueries.Last(), StringComparison.Ordinal);
        Assert.NotNull(await store.RecordAsync("abcd-0002"));
    }

    [Fact]
    public async Task AWindowHoldingMoreThanTheSearchAnswersIsSplitUntilEveryRecordIsRead()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var rdm = await InvenioRdmStandIn.StartAsync();
        const int count = InvenioRdmStandIn.MaxResultWindow + 500;
        rdm.Put([.. Enumerable.Range(0, count).Select(i => new RdmRecord($"rec-{i:D5}", $"conc-{i:D5}", s_day1.AddSeconds(i)))]);
        var runner = CatalogSyncHarness.Runner(store, new FakeTimeProvider(s_now), CatalogSyncHarness.Rdm(rdm, pageSize: 1000));

        var report = await runner.SyncOkAsync();

        Assert.Equal((count, 0), (report.Seen, report.Skipped));
        await using var context = store.CreateContext();
        Assert.Equal(count, await context.Records.CountAsync(Cancellation));
        Assert.True(rdm.RecordQueries.Distinct().Count() > 2, "The window was not split.");
    }

    [Fact]
    public async Task AMalformedPageFailsTheSourceKeepsItsBookmarkAndTheNextRunResumesAfterThePagesApplied()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var rdm = await InvenioRdmStandIn.StartAsync();
        rdm.Put(new RdmRecord("abcd-0001", "conc-0001", s_day1));
        var runner = CatalogSyncHarness.Runner(store, new FakeTimeProvider(s_now), CatalogSyncHarness.Rdm(rdm, pageSize: 1));
        await runner.SyncOkAsync();
        rdm.Put(new RdmRecord("abcd-0002", "conc-0002", s_day1.AddHours(1)), new RdmRecord("abcd-0003", "conc-0003", s_day1.AddHours(2)));
        // The second page of the next pass is cut off mid-document.
        rdm.Malformed = n => n == 3;

        var failed = await runner.SyncAsync();

        Assert.Contains("not well-formed", failed.Error, StringComparison.Ordinal);
        var state = await store.StateAsync("rdm");
        Assert.Equal((s_day1, 1, failed.Error), (state.Bookmark, state.ConsecutiveFailures, state.LastError));
        Assert.NotNull(state.Cursor);

        rdm.Malformed = _ => false;
        await runner.SyncOkAsync();

        Assert.NotNull(await store.RecordAsync("abcd-0003"));
        Assert.StartsWith("updated:[\"2024-06-01T09:00:00.000Z\" TO ", rdm.RecordQueries.Skip(4).First(), StringComparison.Ordinal);
        Assert.Equal(s_day1.AddHours(2), (await store.StateAsync("rdm")).Bookmark);
    }
}
