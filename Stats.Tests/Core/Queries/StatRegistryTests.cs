using System.Text.Json;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Queries;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Queries;

public sealed class StatRegistryTests
{
    private static readonly string[] s_required =
    [
        "record-view", "record-view-all-versions", "record-download", "record-download-all-versions", "file-download",
        "record-view-histogram", "record-view-all-versions-histogram", "record-download-histogram", "record-download-all-versions-histogram",
        "file-download-histogram", "community-views", "community-downloads", "community-views-histogram", "community-downloads-histogram",
        "community-new-records", "community-new-submissions", "community-new-records-histogram", "community-new-submissions-histogram",
        "community-top-records", "community-top-uploaders", "community-access-rights", "community-features",
        "user-stats", "user-stats-histogram", "user-top-records", "countries", "repository-summary", "repository-histogram",
        "circulation-summary", "circulation-loans-histogram", "circulation-top-documents", "circulation-locations",
        "sipstore-summary", "sipstore-failures", "sipstore-archive-size-histogram", "records-popular", "communities",
        "events", "events-histogram", "bucket-file-download-total", "bucket-file-download-histogram", "referrers", "organisations",
    ];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryStatIsListedWithADescriptionAndDescribedParameters()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        var stats = TestStats.Registry(store).All.ToList();

        Assert.Equal(s_required.Order(StringComparer.Ordinal), stats.Select(s => s.Name));
        Assert.All(stats, s =>
        {
            Assert.False(string.IsNullOrWhiteSpace(s.Description));
            Assert.All(s.Parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Description)));
            Assert.Equal(s.Parameters.Count, s.Parameters.Select(p => p.Name).Distinct().Count());
        });
    }

    [Fact]
    public async Task EachStatNamesTheSubjectItReadsForAccessControl()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite, migrate: false);
        var stats = TestStats.Registry(store);

        Assert.Equal(new StatTarget(StatSubject.Record, "r1"), await stats.Find("record-view").TargetOfAsync(TestStats.Params(("recid", "r1")), Cancellation));
        Assert.Equal(new StatTarget(StatSubject.Concept, "c1"), await stats.Find("record-download-all-versions").TargetOfAsync(TestStats.Params(("parent_recid", "c1")), Cancellation));
        Assert.Equal(new StatTarget(StatSubject.Community, "hep"), await stats.Find("countries").TargetOfAsync(TestStats.Params(("community", "hep")), Cancellation));
        Assert.Equal(new StatTarget(StatSubject.Repository, null), await stats.Find("countries").TargetOfAsync(StatParameters.Empty, Cancellation));
        Assert.Equal(new StatTarget(StatSubject.Owner, "u1"), await stats.Find("user-top-records").TargetOfAsync(TestStats.Params(("owner_id", "u1")), Cancellation));
        Assert.Equal(new StatTarget(StatSubject.Record, "r1"), await stats.Find("events").TargetOfAsync(TestStats.Params(("type", "page-printed"), ("recid", "r1")), Cancellation));
    }

    [Fact]
    public async Task AnUnknownStatAMissingParameterAndAnUnknownParameterAreQueryErrors()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var stats = TestStats.Registry(store);

        var unknown = await Assert.ThrowsAsync<StatQueryException>(() => stats.RunAsync("record-clicks", StatParameters.Empty, Cancellation));
        var missing = await Assert.ThrowsAsync<StatQueryException>(() => stats.RunAsync("record-view", StatParameters.Empty, Cancellation));
        var typo = await Assert.ThrowsAsync<StatQueryException>(() => stats.RunAsync("record-view", TestStats.Params(("recid", "r"), ("start", "2024-06-01")), Cancellation));

        Assert.Contains("'record-clicks'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("'recid'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'start'", typo.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task EveryStatAnswersOnAnEmptyStoreWithEveryParameterGiven(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var stats = TestStats.Registry(store, types: new EventTypeOptions { Types = [new CustomEventType { Name = "page-printed" }] });
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["type"] = "page-printed",
            ["recid"] = "r1",
            ["parent_recid"] = "c1",
            ["community"] = "hep",
            ["owner_id"] = "u1",
            ["file_key"] = "data.csv",
            ["bucket_id"] = "b1",
            ["start_date"] = "2024-05-01",
            ["end_date"] = "2024-06-30",
            ["interval"] = "month",
            ["access_method"] = "regular",
            ["size"] = "5",
            ["metric"] = "unique_downloads",
        };

        foreach (var stat in stats.All)
        {
            // countries, events and referrers take a record or a community, not both.
            var given = stat.Parameters.Where(p => stat.Name is not ("countries" or "events" or "events-histogram" or "referrers") || p.Name != "recid").ToDictionary(p => p.Name, p => values[p.Name]);

            var result = await stat.RunAsync(new StatParameters(given), Cancellation);

            using var json = JsonSerializer.SerializeToDocument(result, StatJson.Options);
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
            if (json.RootElement.TryGetProperty("interval", out var interval))
            {
                // Zero-filled: May and June, although nothing happened.
                Assert.Equal("month", interval.GetString());
                Assert.Equal(["2024-05-01T00:00:00", "2024-06-01T00:00:00"], json.RootElement.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("date").GetString()));
            }
        }
    }
}
