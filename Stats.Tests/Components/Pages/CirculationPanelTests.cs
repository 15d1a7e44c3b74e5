using Bunit;
using Stats.Core.Aggregation;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Pages.Circulation;

namespace Stats.Tests.Components.Pages;

public sealed class CirculationPanelTests : PanelPageTestContext
{
    public CirculationPanelTests()
    {
        ActivityQueries.Circulation = new CirculationCounts(Loans: 40, Renewals: 12, Returns: 30, Overdue: 4, Requests: 9);
        ActivityQueries.PreviousCirculation = new CirculationCounts(20, 12, 30, 8, 0);
        ActivityQueries.CirculationHistory = Days(
            (Today.AddDays(-1), new CirculationCounts(15, 2, 10, 1, 4)),
            (Today, new CirculationCounts(25, 10, 20, 3, 5)));
        ActivityQueries.Documents = new CirculationBreakdown([new CirculationBucket("doc-1", 30, 10, 20, 3, 7), new CirculationBucket("doc-2", 10, 2, 10, 1, 2)]);
        ActivityQueries.Locations = new CirculationBreakdown([new CirculationBucket("Main library", 35, 11, 25, 4, 8), new CirculationBucket(null, 5, 1, 5, 0, 1)]);
    }

    [Fact]
    public void CirculationIsForAdminsSoAnAnonymousViewerIsAskedToSignInAndNothingShows()
    {
        var cut = RenderAt<Circulation>("/circulation");

        Assert.Contains("Circulation statistics", cut.Find(".stats-access-sign-in").TextContent);
        Assert.Empty(cut.FindAll("[data-headline]"));
    }

    [Fact]
    public void TheHeadlinesCountLoansRenewalsReturnsOverdueAndRequestsAgainstThePreviousPeriod()
    {
        SignInAsAdmin();

        var cut = RenderAt<Circulation>("/circulation");

        Assert.Equal("40", HeadlineOf(cut, "loans"));
        Assert.Equal("12", HeadlineOf(cut, "renewals"));
        Assert.Equal("30", HeadlineOf(cut, "returns"));
        Assert.Equal("4", HeadlineOf(cut, "overdue"));
        Assert.Equal("9", HeadlineOf(cut, "requests"));
        Assert.Equal("4", HeadlineOf(cut, "overdue-today"));
        Assert.Contains(new Period(Today, Today), ActivityQueries.PeriodsOf("circulation"));
        Assert.Contains("vs 8 in 27 Sep – 26 Oct 2026", cut.Find("[data-headline='overdue-today'] .stats-headline-delta").TextContent);
        Assert.Contains("+100 %", cut.Find("[data-headline='loans'] .stats-headline-delta").TextContent);
        Assert.Contains("−50 %", cut.Find("[data-headline='overdue'] .stats-headline-delta").TextContent);
    }

    [Fact]
    public void TheChartReceivesTheFiveSeriesPerBucket()
    {
        SignInAsAdmin();

        var cut = RenderAt<Circulation>("/circulation");

        cut.WaitForAssertion(() => Assert.NotEmpty(Charts.Invocations["create"]));
        using var options = ChartOptions("circulation-history");
        var series = options.RootElement.GetProperty("series");
        Assert.Equal(["Loans", "Renewals", "Returns", "Overdue", "Requests"], series.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal([15, 25], series[0].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
        Assert.Equal([1, 3], series[3].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
    }

    [Fact]
    public void TheTablesListTopDocumentsAndLocationsWithLoansWithoutOne()
    {
        SignInAsAdmin();

        var cut = RenderAt<Circulation>("/circulation");

        Assert.Contains("doc-1", cut.Find("[data-table='top-documents']").TextContent);
        Assert.Contains("Main library", cut.Find("[data-table='locations']").TextContent);
        Assert.Contains("(no location)", cut.Find("[data-table='locations']").TextContent);
    }

    [Fact]
    public void ThePeriodInTheUrlIsThePeriodAskedFor()
    {
        SignInAsAdmin();

        RenderAt<Circulation>("/circulation?from=2026-01-01&to=2026-01-31");

        var january = new Period(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31));
        Assert.Equal([january], ActivityQueries.PeriodsOf("circulation-histogram"));
        Assert.Equal([january], ActivityQueries.PeriodsOf("circulation-documents"));
        Assert.Contains(new Period(new DateOnly(2025, 12, 1), new DateOnly(2025, 12, 31)), ActivityQueries.PeriodsOf("circulation"));
    }

    [Fact]
    public void APeriodWithoutLoansSaysSo()
    {
        SignInAsAdmin();
        ActivityQueries.CirculationHistory = new Histogram<CirculationCounts>("day", []);
        ActivityQueries.Documents = new CirculationBreakdown([]);

        var cut = RenderAt<Circulation>("/circulation");

        Assert.Contains("No loan in this period.", cut.Find("[data-chart-card='circulation-history']").TextContent);
        Assert.Contains("No document was loaned", cut.Find("[data-table='top-documents']").TextContent);
    }

    [Fact]
    public void TheAggregatorRewritingAShownDayReloadsTheNumbers()
    {
        SignInAsAdmin();
        var cut = RenderAt<Circulation>("/circulation?period=7d");
        ActivityQueries.Circulation = ActivityQueries.Circulation with { Loans = 41 };

        Changes.Publish(new AggregatesChanged([Today.AddDays(-30)]));
        Assert.Equal("40", HeadlineOf(cut, "loans"));

        Changes.Publish(new AggregatesChanged([Today]));
        cut.WaitForAssertion(() => Assert.Equal("41", HeadlineOf(cut, "loans")));
    }

    [Fact]
    public void AFailingStoreShowsTheError()
    {
        SignInAsAdmin();
        ActivityQueries.Failure = new InvalidOperationException("boom");

        var cut = RenderAt<Circulation>("/circulation");

        Assert.Contains("circulation statistics could not be loaded", cut.Find(".stats-error-state").TextContent);
    }
}
