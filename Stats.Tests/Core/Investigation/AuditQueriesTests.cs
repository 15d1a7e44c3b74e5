using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Investigation;
using Stats.Core.Retention;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Investigation;

public sealed class AuditQueriesTests
{
    private static readonly DateOnly s_first = new(2024, 6, 14);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static (InvestigationQueries Investigation, AuditQueries Audit) QueriesOf(IngestionHarness ingestion)
    {
        var investigation = new InvestigationQueries(ingestion.Store.Contexts, Options.Create(new RetentionOptions { RawEventMaxAgeDays = 0 }), ingestion.Clock);
        return (investigation, new AuditQueries(ingestion.Store.Contexts, investigation));
    }

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AUsersEventsAreFoundOnDaysWhoseSaltExistsAndTheOtherDaysAreListedAsNotSearchable(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var ingestion = new IngestionHarness(store);
        var day = s_first.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc);
        await ingestion.IngestAsync(
            TestEvents.View("rec-1", day, userId: "user-audited"),
            TestEvents.Download("rec-1", "a.csv", day.AddMinutes(5), userId: "user-audited"),
            TestEvents.View("rec-1", day.AddMinutes(6), userId: "someone-else"),
            TestEvents.View("rec-2", day.AddDays(1), userId: "user-audited"),
            TestEvents.View("rec-3", day.AddDays(2), userId: "user-audited"));
        // The salt of the first day is gone (destroyed after its grace period): its hashes link to nobody.
        await using (var context = store.CreateContext())
        {
            await context.DailySalts.Where(s => s.Day == s_first).ExecuteDeleteAsync(Cancellation);
        }

        var (investigation, audit) = QueriesOf(ingestion);
        var result = await audit.UserAsync("user-audited", s_first, s_first.AddDays(2), "admin-1", Cancellation);

        Assert.Equal([s_first], result.DaysNotSearchable);
        Assert.Equal([new AuditDay(s_first.AddDays(1), 1), new AuditDay(s_first.AddDays(2), 1)], result.DaysSearched);
        Assert.Equal(["rec-2", "rec-3"], result.Events.Select(e => e.Record));
        var trace = Assert.Single(await investigation.TracesAsync(10, Cancellation));
        Assert.Equal((InvestigationKind.UserAudit, "admin-1"), (trace.Kind, trace.AskedBy));
        Assert.DoesNotContain("user-audited", trace.Subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("513")]
    [InlineData("AS513")]
    [InlineData("CERN")]
    public async Task AnOrganisationsEventsAreFoundByItsNumberOrName(string organisation)
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var ingestion = new IngestionHarness(store);
        var day = s_first.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc);
        await ingestion.IngestAsync(
            TestEvents.View("rec-1", day, ip: "137.138.62.1"),
            TestEvents.View("rec-1", day.AddMinutes(1), ip: "8.8.8.8"),
            TestEvents.Download("rec-2", "a.csv", day.AddDays(1), ip: "2001:1458:d00:1::100:ff"));

        var (investigation, audit) = QueriesOf(ingestion);
        var result = await audit.OrganisationAsync(organisation, s_first, s_first.AddDays(1), "admin-1", Cancellation);

        Assert.Equal(["rec-1", "rec-2"], result.Events.Select(e => e.Record));
        Assert.All(result.Events, e => Assert.Equal(HammerScenario.Cern, e.Organisation));
        Assert.Equal([new AuditDay(s_first, 1), new AuditDay(s_first.AddDays(1), 1)], result.DaysSearched);
        var trace = Assert.Single(await investigation.TracesAsync(10, Cancellation));
        Assert.Equal((InvestigationKind.OrganisationAudit, "organisation " + organisation), (trace.Kind, trace.Subject));
    }
}
