using Bunit;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Pages.SipStore;

namespace Stats.Tests.Components.Pages;

public sealed class SipStorePanelTests : PanelPageTestContext
{
    public SipStorePanelTests()
    {
        SipQueries.Summary = new SipStoreSummary(
            SipsCreated: 50, SipsSent: 40, SipsSucceeded: 36, SipsFailed: 4, RecordsWithSips: 30, Records: 120,
            RecordsWithSipsPercentage: 25, AverageDelaySeconds: 95.4, P95DelaySeconds: 300, ArchiveSize: 2_500_000_000);
        SipQueries.PreviousSummary = new SipStoreSummary(10, 20, 20, 0, 25, 110, 22.73, 60, 120, 2_000_000_000);
        SipQueries.Failures = new SipFailures([new SipFailure("sip-9", "rec-9", new DateTime(2026, 11, 24, 8, 30, 0, DateTimeKind.Utc))]);
        SipQueries.ArchiveHistory = Days((Today.AddDays(-1), new ArchiveSize(2_400_000_000)), (Today, new ArchiveSize(2_500_000_000)));
        ActivityQueries.Directory = new CommunityDirectory([new CommunityListing("hep", "High-energy physics", 46, 12, 300, 40)]);
    }

    [Fact]
    public void TheSipStoreIsForAdminsSoAnAnonymousViewerIsAskedToSignIn()
    {
        var cut = RenderAt<SipStore>("/sipstore");

        Assert.Contains("SIP store statistics", cut.Find(".stats-access-sign-in").TextContent);
        Assert.Empty(cut.FindAll("[data-headline]"));
    }

    [Fact]
    public void TheHeadlinesAndSharesTellCoverageFailuresDelaysAndSize()
    {
        SignInAsAdmin();

        var cut = RenderAt<SipStore>("/sipstore");

        Assert.Equal("30", HeadlineOf(cut, "records-with-sips"));
        Assert.Equal("50", HeadlineOf(cut, "sips-created"));
        Assert.Equal("40", HeadlineOf(cut, "sips-sent"));
        Assert.Equal("4", HeadlineOf(cut, "sips-failed"));
        Assert.Equal("1 min 35 s", HeadlineOf(cut, "average-delay"));
        Assert.Equal("5 min 0 s", HeadlineOf(cut, "p95-delay"));
        Assert.Equal("2.5 GB", HeadlineOf(cut, "archive-size"));
        Assert.Contains("25 % of the 120 live records", cut.Find("[data-share='records-with-sips']").TextContent);
        Assert.Contains("80 % of the 50 SIPs created", cut.Find("[data-share='sent']").TextContent);
        Assert.Contains("10 % of the 40 SIPs processed", cut.Find("[data-share='failed']").TextContent);
    }

    [Fact]
    public void TheFailuresAreListedWithTheirRecord()
    {
        SignInAsAdmin();

        var cut = RenderAt<SipStore>("/sipstore");

        var table = cut.Find("[data-table='sip-failures']");
        Assert.Contains("sip-9", table.TextContent);
        Assert.Contains("2026-11-24 08:30:00", table.TextContent);
        Assert.Equal("/records/rec-9", table.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void AFailedSipsRecordIsNamedByItsTitleWithItsRecidUnder()
    {
        SipQueries.Failures = new SipFailures([new SipFailure("sip-9", "rec-9", null) { Title = "Detector calibration 2024" }]);
        SignInAsAdmin();

        var cut = RenderAt<SipStore>("/sipstore");

        var link = cut.Find("[data-table='sip-failures'] tbody a");
        Assert.Equal("Detector calibration 2024", link.TextContent.Trim());
        Assert.Equal("rec-9", cut.Find("[data-table='sip-failures'] tbody .stats-cell-secondary").TextContent.Trim());
    }

    [Fact]
    public void TheArchiveSizeChartReceivesTheSizeAtTheEndOfEachBucket()
    {
        SignInAsAdmin();

        var cut = RenderAt<SipStore>("/sipstore");

        cut.WaitForAssertion(() => Assert.NotEmpty(Charts.Invocations["create"]));
        using var options = ChartOptions("archive-size");
        var series = options.RootElement.GetProperty("series")[0];
        Assert.Equal("Archive size (GB)", series.GetProperty("name").GetString());
        Assert.Equal([2.4, 2.5], series.GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
    }

    [Fact]
    public void ACommunityInTheUrlReadsThatCommunitysSipStoreAndBothRoutesServeThePanel()
    {
        SignInAsAdmin();

        RenderAt<SipStore>("/sip-store?community=hep&period=7d");

        Assert.Equal([new Period(Today.AddDays(-6), Today)], SipQueries.PeriodsOf("failures:hep"));
        Assert.Empty(SipQueries.PeriodsOf("failures:"));
        var routes = typeof(SipStore).GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), false)
            .Cast<Microsoft.AspNetCore.Components.RouteAttribute>().Select(r => r.Template);
        Assert.Equal(["/sip-store", "/sipstore"], routes.Order());
    }

    [Fact]
    public void APeriodWithoutFailuresSaysThereIsNothingToDo()
    {
        SignInAsAdmin();
        SipQueries.Failures = new SipFailures([]);

        var cut = RenderAt<SipStore>("/sipstore");

        Assert.Contains("No SIP failed in this period.", cut.Find("[data-table='sip-failures']").TextContent);
    }

    [Fact]
    public void AFailingStoreShowsTheError()
    {
        SignInAsAdmin();
        SipQueries.Failure = new InvalidOperationException("boom");

        var cut = RenderAt<SipStore>("/sipstore");

        Assert.Contains("SIP store statistics could not be loaded", cut.Find(".stats-error-state").TextContent);
    }
}
