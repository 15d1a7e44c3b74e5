using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Investigation;
using Stats.Core.Retention;
using Stats.Dashboard.Access;
using Stats.Dashboard.Components.Pages.Admin;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Components.Pages;

/// <summary>The investigation page over a real store holding issue 15's scenario, with the real queries.</summary>
public sealed class InvestigatePageTests : DashboardTestContext
{
    /// <summary>Generous: the queries read 5,000 raw events from a real store, and the machine may be loaded.</summary>
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    private static readonly string s_recordHour =
        $"/admin/investigate?scope=record&id={HammerScenario.Recid}&from=2024-06-15%2010:00&to=2024-06-15%2011:00";

    private async Task<(TestStore Store, IngestionHarness Ingestion)> ScenarioAsync()
    {
        var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var ingestion = new IngestionHarness(store);
        await HammerScenario.IngestAsync(ingestion);
        Services.AddSingleton<IInvestigationQueries>(
            new InvestigationQueries(store.Contexts, Options.Create(new RetentionOptions { RawEventMaxAgeDays = 0 }), ingestion.Clock));
        return (store, ingestion);
    }

    private IRenderedComponent<Investigate> RenderAt(string relativeUrl)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(relativeUrl);
        return Render<Investigate>();
    }

    [Fact]
    public async Task TheHammeringVisitorAndItsOrganisationAreOnTopAndTheCountedNumbersExcludeItsDoubleClicks()
    {
        var (store, ingestion) = await ScenarioAsync();
        await using var _ = store;
        await using var __ = ingestion;
        SignIn("admin-1", "Ada Admin", ViewerClaims.AdminRole);

        var cut = RenderAt(s_recordHour);

        cut.WaitForElement(".stats-investigate-visitor", s_wait);
        var visitor = cut.FindAll(".stats-investigate-visitor")[0];
        Assert.Equal(HammerScenario.Cern, visitor.QuerySelector(".stats-visitor-organisation")!.TextContent.Trim());
        Assert.Equal("5,000", visitor.QuerySelector(".stats-visitor-events")!.TextContent.Trim());
        Assert.Equal(HammerScenario.Cern, cut.Find(".stats-investigate-organisations .stats-top-name").TextContent.Trim());
        var hour = cut.Find(".stats-investigate-hour");
        Assert.Equal(((2 * HammerScenario.Readers) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), hour.QuerySelector(".stats-hour-counted")!.TextContent.Trim());
        Assert.Equal("4,999", hour.QuerySelector(".stats-hour-double-clicks")!.TextContent.Trim());
        Assert.Equal(HammerScenario.RobotViews.ToString(System.Globalization.CultureInfo.InvariantCulture), hour.QuerySelector(".stats-hour-robots")!.TextContent.Trim());
    }

    [Fact]
    public async Task TheVisitorsDrillDownListsOnlyItsEventsWithExportLinksKeepingTheQuery()
    {
        var (store, ingestion) = await ScenarioAsync();
        await using var _ = store;
        await using var __ = ingestion;
        SignIn("admin-1", "Ada Admin", ViewerClaims.AdminRole);
        var overview = RenderAt(s_recordHour);
        var href = overview.WaitForElement(".stats-visitor-events-link", s_wait).GetAttribute("href")!;

        var cut = RenderAt(href);

        cut.WaitForAssertion(() => Assert.Contains("5,000", cut.Find(".stats-investigate-events-title").TextContent), s_wait);
        Assert.Equal(Investigate.PageSize, cut.FindAll(".stats-investigate-event").Count);
        var ndjson = cut.Find(".stats-investigate-ndjson").GetAttribute("href")!;
        Assert.Contains("/api/investigation/events?", ndjson);
        Assert.Contains("format=ndjson", ndjson);
        Assert.Contains("visitor=", ndjson);
        Assert.Contains($"id={HammerScenario.Recid}", ndjson);
    }

    [Fact]
    public void ASignedInUserWhoIsNoAdminIsToldTheyMayNotSeeRawEvents()
    {
        Services.AddSingleton<IInvestigationQueries>(new ThrowingQueries());
        SignIn("someone", "Some One");

        var cut = RenderAt(s_recordHour);

        cut.WaitForElement(".stats-access-forbidden");
        Assert.Empty(cut.FindAll(".stats-investigate-visitor"));
    }

    /// <summary>Fails the test if the page queries raw events for someone who may not see them.</summary>
    private sealed class ThrowingQueries : IInvestigationQueries
    {
        public Task<InvestigationSummary> SummarizeAsync(InvestigationRequest request, string askedBy, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("queried without access");

        public Task<InvestigationEventPage> EventsAsync(
            InvestigationRequest request, InvestigationFilter filter, int offset, int limit, string askedBy, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("queried without access");

        public IAsyncEnumerable<InvestigationEvent> ExportAsync(InvestigationRequest request, InvestigationFilter filter, string askedBy, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("queried without access");

        public Task<IReadOnlyList<InvestigationTrace>> TracesAsync(int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<InvestigationTrace>>([]);
    }
}
