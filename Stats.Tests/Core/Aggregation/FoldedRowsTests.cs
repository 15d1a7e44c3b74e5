using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Core.Reports.Dsr;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Aggregation;

/// <summary>
/// A record row stands for the record's one country row, its one file's row and its concept's row when they would count
/// the same clicks (ADR-020): those rows are not written, and every answer is the same as from them.
/// </summary>
public sealed class FoldedRowsTests
{
    private static readonly DateTimeOffset s_noon = new(2024, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly s_day = new(2024, 6, 15);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ARecordRowStandsForTheCountryFileAndConceptRowsThatWouldCountTheSameClicks(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        await ingestion.IngestAsync(
            TestEvents.Published("v1", s_noon.AddDays(-10), parentRecid: "concept-1"),
            TestEvents.Published("v2", s_noon.AddDays(-5), parentRecid: "concept-1"),
            TestEvents.Published("other", s_noon.AddDays(-5), parentRecid: "concept-2"),
            // v2 alone of its concept has clicks, two downloads of one file from one country: its row stands for all three.
            TestEvents.Download("v2", "data.csv", s_noon, size: 100, sessionId: "s-1"),
            TestEvents.Download("v2", "data.csv", s_noon.AddMinutes(5), size: 100, sessionId: "s-2"),
            // other: a view and downloads of two files from two countries, and concept-2 is its own only: concept rows fold, the rest not.
            TestEvents.View("other", s_noon, sessionId: "s-3"),
            TestEvents.Download("other", "a.csv", s_noon.AddMinutes(1), size: 10, sessionId: "s-3"),
            TestEvents.Download("other", "b.csv", s_noon.AddMinutes(2), size: 20, sessionId: "s-4", ip: "81.2.69.142"));

        await ingestion.AggregateAsync();

        await using var context = store.CreateContext();
        var v2 = await context.Records.SingleAsync(r => r.ExternalId == "v2", Cancellation);
        var row = await context.UsageDailyStats.AsNoTracking().SingleAsync(s => s.Scope == StatScope.Record && s.ScopeId == v2.Id, Cancellation);
        var file = await context.RecordFiles.SingleAsync(f => f.RecordId == v2.Id, Cancellation);
        var concept1 = await context.Labels.SingleAsync(l => l.Kind == LabelKind.Concept && l.Value == "concept-1", Cancellation);
        Assert.Equal(("US", file.Id, concept1.Id), (row.Country, row.FileId, row.ConceptId));
        Assert.Empty(await context.CountryDailyStats.Where(s => s.Scope == StatScope.Record && s.ScopeId == v2.Id).ToListAsync(Cancellation));
        Assert.Empty(await context.UsageDailyStats.Where(s => s.Scope == StatScope.File && s.ScopeId == file.Id).ToListAsync(Cancellation));
        Assert.Empty(await context.UsageDailyStats.Where(s => s.Scope == StatScope.Concept).ToListAsync(Cancellation));
        var other = await context.Records.SingleAsync(r => r.ExternalId == "other", Cancellation);
        var otherRow = await context.UsageDailyStats.AsNoTracking().SingleAsync(s => s.Scope == StatScope.Record && s.ScopeId == other.Id, Cancellation);
        Assert.Equal((null, null), (otherRow.Country, otherRow.FileId));
        Assert.Equal(2, await context.CountryDailyStats.CountAsync(s => s.Scope == StatScope.Record && s.ScopeId == other.Id, Cancellation));
        Assert.Equal(2, await context.UsageDailyStats.CountAsync(s => s.Scope == StatScope.File, Cancellation));

        var usage = new UsageStats(store.Contexts, ingestion.Clock);
        var day = new Period(s_day, s_day);
        Assert.Equal(["US 0 0 2 2"], (await usage.CountriesAsync(StatScope.Record, "v2", day, Cancellation)).Buckets
            .Select(b => $"{b.Country} {b.Views} {b.UniqueViews} {b.Downloads} {b.UniqueDownloads}"));
        Assert.Equal(["data.csv 2 2 200"], (await usage.FileDownloadsAsync("v2", day, null, Cancellation)).Buckets
            .Select(b => $"{b.Key} {b.Downloads} {b.UniqueDownloads} {b.DataVolume}"));
        var histogram = await usage.FileDownloadHistogramAsync("v2", "data.csv", day, Interval.Day, null, Cancellation);
        Assert.Equal((2L, 200L), (histogram.Buckets.Sum(b => b.Values.Downloads), histogram.Buckets.Sum(b => b.Values.DataVolume)));
        Assert.Equal(new UsageCounts(0, 0, 2, 2, 200), await usage.TotalsAsync(StatScope.Concept, "concept-1", day, null, Cancellation));
        Assert.Equal(UsageCounts.Zero, await usage.TotalsAsync(StatScope.Concept, "concept-1", day, AccessMethod.Machine, Cancellation));
        var embed = await new EmbedStats(store.Contexts).UsageAsync(new StatTarget(StatSubject.Record, "v1"), s_day, s_day, Cancellation);
        Assert.Empty(embed.Days);
        Assert.Equal(new UsageCounts(0, 0, 2, 2, 200), Assert.Single(embed.AllVersionsDays).Counts);
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task EveryAnswerIsTheSameAsFromTheRowsTheFoldedRowsStandFor(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var seeder = new Stats.Core.Demo.DemoSeeder(ingestion.Ingestor, ShippedReferenceData.Countries, Microsoft.Extensions.Options.Options.Create(new Stats.Core.Retention.RetentionOptions()), ingestion.Clock, store.Contexts);
        await seeder.SeedAsync(new Stats.Core.Demo.DemoOptions { Days = 20, Records = 40 }, Cancellation);
        // The demo's downloads come with views: days of downloads alone, of one file and of two, from one country and from two.
        var noon = new DateTimeOffset(ingestion.Clock.GetUtcNow().UtcDateTime.Date.AddDays(-2).AddHours(12), TimeSpan.Zero);
        await ingestion.IngestAsync(
            TestEvents.Published("files", noon.AddDays(-10)),
            TestEvents.Download("files", "a.csv", noon, size: 10, sessionId: "s-1"),
            TestEvents.Download("files", "a.csv", noon.AddMinutes(5), size: 10, sessionId: "s-2", ip: "81.2.69.142"),
            TestEvents.Download("files", "a.csv", noon.AddDays(-1), size: 10, sessionId: "s-3"),
            TestEvents.Download("files", "b.csv", noon.AddDays(-1).AddMinutes(1), size: 20, sessionId: "s-3"));
        await ingestion.AggregateAsync();

        var folded = await AnswersAsync(store, ingestion);
        var (countries, files, concepts) = await UnfoldAsync(store);
        var unfolded = await AnswersAsync(store, ingestion);

        Assert.True(countries > 0 && files > 0 && concepts > 0, $"The demo data should fold rows of every kind: {countries} countries, {files} files, {concepts} concepts.");
        Assert.Equal(unfolded, folded);
    }

    /// <summary>Stores the row each folded record row stands for, and clears the fold: the store as it was before ADR-020.</summary>
    private static async Task<(int Countries, int Files, int Concepts)> UnfoldAsync(TestStore store)
    {
        await using var context = store.CreateContext();
        var folded = await context.UsageDailyStats.Where(s => s.Country != null || s.FileId != null || s.ConceptId != null).ToListAsync(Cancellation);
        var counts = (folded.Count(s => s.Country is not null), folded.Count(s => s.FileId is not null), folded.Count(s => s.ConceptId is not null));
        UsageDailyStat Copy(UsageDailyStat s, StatScope scope, int id) => new()
        {
            Day = s.Day, Scope = scope, ScopeId = id, AccessMethod = s.AccessMethod, Views = s.Views, UniqueViews = s.UniqueViews,
            Downloads = s.Downloads, UniqueDownloads = s.UniqueDownloads, Investigations = s.Investigations,
            UniqueInvestigations = s.UniqueInvestigations, Volume = s.Volume,
        };
        foreach (var s in folded)
        {
            if (s.Country is { } country)
            {
                context.CountryDailyStats.Add(new CountryDailyStat
                {
                    Day = s.Day, Scope = StatScope.Record, ScopeId = s.ScopeId, Country = country,
                    Views = s.Views, UniqueViews = s.UniqueViews, Downloads = s.Downloads, UniqueDownloads = s.UniqueDownloads,
                });
            }

            if (s.FileId is { } file)
            {
                context.UsageDailyStats.Add(Copy(s, StatScope.File, file));
            }

            if (s.ConceptId is { } concept)
            {
                context.UsageDailyStats.Add(Copy(s, StatScope.Concept, concept));
            }

            (s.Country, s.FileId, s.ConceptId) = (null, null, null);
        }

        await context.SaveChangesAsync(Cancellation);
        return counts;
    }

    /// <summary>Every answer that reads country, file or concept usage, for every record, file and concept of the store, as text.</summary>
    private static async Task<List<string>> AnswersAsync(TestStore store, IngestionHarness ingestion)
    {
        var usage = new UsageStats(store.Contexts, ingestion.Clock);
        var embeds = new EmbedStats(store.Contexts);
        await using var context = store.CreateContext();
        var records = await context.Records.OrderBy(r => r.ExternalId).Select(r => new { r.ExternalId, r.ParentExternalId, Files = r.Files.OrderBy(f => f.Key).Select(f => f.Key).ToList() })
            .ToListAsync(Cancellation);
        var first = await context.UsageDailyStats.MinAsync(s => s.Day, Cancellation);
        var last = await context.UsageDailyStats.MaxAsync(s => s.Day, Cancellation);
        var answers = new List<string>();
        void Add(string name, object answer) => answers.Add($"{name}: {JsonSerializer.Serialize(answer)}");
        foreach (var record in records)
        {
            Add($"countries {record.ExternalId}", await usage.CountriesAsync(StatScope.Record, record.ExternalId, Period.All, Cancellation));
            Add($"files {record.ExternalId}", await usage.FileDownloadsAsync(record.ExternalId, Period.All, null, Cancellation));
            Add($"files {record.ExternalId} machine", await usage.FileDownloadsAsync(record.ExternalId, Period.All, AccessMethod.Machine, Cancellation));
            Add($"embed {record.ExternalId}", await embeds.UsageAsync(new StatTarget(StatSubject.Record, record.ExternalId), first, last, Cancellation));
            foreach (var file in record.Files)
            {
                Add($"file {record.ExternalId}/{file}", await usage.FileDownloadHistogramAsync(record.ExternalId, file, Period.All, Interval.Day, null, Cancellation));
            }
        }

        foreach (var concept in records.Select(r => r.ParentExternalId).OfType<string>().Distinct().Order(StringComparer.Ordinal))
        {
            Add($"concept {concept}", await usage.TotalsAsync(StatScope.Concept, concept, Period.All, null, Cancellation));
            Add($"concept {concept} regular", await usage.TotalsAsync(StatScope.Concept, concept, Period.All, AccessMethod.Regular, Cancellation));
            Add($"concept {concept} methods", await usage.AccessMethodTotalsAsync(new StatTarget(StatSubject.Concept, concept), Period.All, Cancellation));
            Add($"concept {concept} days", await usage.HistogramAsync(StatScope.Concept, concept, Period.All, Interval.Day, null, c => c, Cancellation));
        }

        var dsr = await DatasetReportBuilder.CountriesPerDataset(context, first, last).ToListAsync(Cancellation);
        Add("dsr countries", dsr.OrderBy(c => c.RecordId).ThenBy(c => c.Country, StringComparer.Ordinal).ToList());
        return answers;
    }
}
