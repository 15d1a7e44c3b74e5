using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Demo;
using Stats.Core.Retention;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Demo;

public sealed class DemoSeederTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task TheDemoKeepsWithinTheRetentionPeriodSoNoPublicationIsRejected(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        // 2024-06-20 keeping 10 days: the horizon is 06-10, and the demo starts the day after, 06-11. Late in the day, because
        // the demo publishes records at any time of today, and ingestion rejects what lies in the future.
        var retention = new RetentionOptions { RawEventMaxAgeDays = 10 };
        await using var ingestion = new IngestionHarness(store, now: new DateTimeOffset(2024, 6, 20, 23, 55, 0, TimeSpan.Zero), retention: retention);
        var seeder = new DemoSeeder(ingestion.Ingestor, ShippedReferenceData.Countries, Options.Create(retention), ingestion.Clock, store.Contexts);

        var result = await seeder.SeedAsync(new DemoOptions { Days = 60, Records = 12 }, Cancellation);

        await using var context = store.CreateContext();
        Assert.Equal(new DateOnly(2024, 6, 11), DateOnly.FromDateTime(await context.RawEvents.MinAsync(e => e.Timestamp, Cancellation)));
        var records = await context.Records.ToListAsync(Cancellation);
        Assert.Equal(12, records.Count);
        Assert.All(records, r => Assert.NotNull(r.PublishedAt));
        Assert.Equal(result.Events, await context.RawEvents.LongCountAsync(Cancellation));
    }

    [Fact]
    public async Task TheDemoNamesItsCommunitiesAndTitlesItsRecordsAsASyncedRepositoryDoes()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store, now: new DateTimeOffset(2024, 6, 20, 12, 0, 0, TimeSpan.Zero));
        var seeder = new DemoSeeder(ingestion.Ingestor, ShippedReferenceData.Countries, Options.Create(new RetentionOptions()), ingestion.Clock, store.Contexts);

        await seeder.SeedAsync(new DemoOptions { Days = 3, Records = 12 }, Cancellation);

        await using var context = store.CreateContext();
        var communities = await context.Communities.ToDictionaryAsync(c => c.ExternalId, c => c.Name, Cancellation);
        Assert.Equal("High-Energy Physics", communities["hep"]);
        Assert.All(communities, c => Assert.False(string.IsNullOrWhiteSpace(c.Value), $"community {c.Key} has no name"));
        Assert.All(await context.Records.ToListAsync(Cancellation), r => Assert.False(string.IsNullOrWhiteSpace(r.Title)));
    }

    [Fact]
    public async Task TheDemosVisitorsComeFromReferringSitesOrDirectAndFromNetworkOrganisations()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store, now: new DateTimeOffset(2024, 6, 20, 12, 0, 0, TimeSpan.Zero));
        var seeder = new DemoSeeder(ingestion.Ingestor, ShippedReferenceData.Countries, Options.Create(new RetentionOptions()), ingestion.Clock, store.Contexts);

        await seeder.SeedAsync(new DemoOptions { Days = 30, Records = 20 }, Cancellation);

        await using var context = store.CreateContext();
        var hosts = await context.RawEvents.Where(e => e.ReferrerId != null)
            .Join(context.Labels, e => e.ReferrerId, l => (int?)l.Id, (e, l) => l.Value).Distinct().ToListAsync(Cancellation);
        Assert.Contains("scholar.google.com", hosts);
        Assert.Contains("doi.org", hosts);
        Assert.Contains("home.cern", hosts);
        Assert.DoesNotContain(hosts, h => h.Contains('/', StringComparison.Ordinal));
        // Direct visits (no referrer) too, not only referred ones.
        var referred = await context.RawEvents.CountAsync(e => e.ReferrerId != null, Cancellation);
        Assert.InRange(referred, 1, await context.RawEvents.CountAsync(Cancellation) - 1);
        Assert.True(await context.RawEvents.AnyAsync(e => e.OrganisationId != null, Cancellation), "no visitor's address named a network organisation");
    }
}
