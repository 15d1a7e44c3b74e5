using Bunit;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Pages.Embed;

namespace Stats.Tests.Components.Pages;

public sealed class EmbedTests : DashboardTestContext
{
    public EmbedTests()
    {
        Usage.Usage(StatScope.Record, "r1", new DateOnly(2020, 5, 1), new UsageCounts(1200, 800, 300, 250, 1000));
        Usage.Usage(StatScope.Community, "geo", new DateOnly(2021, 1, 1), new UsageCounts(5000, 4000, 900, 700, 1000));
    }

    [Fact]
    public void RecordWidgetShowsTheAllTimeNumbersAndLinksToThePanel()
    {
        var cut = Render<EmbedRecord>(p => p.Add(c => c.Recid, "r1"));

        Assert.Equal("1,200", cut.Find("[data-embed=views] dd").TextContent.Trim());
        Assert.Equal("250", cut.Find("[data-embed=unique-downloads] dd").TextContent.Trim());
        Assert.Equal("/records/r1", cut.Find(".stats-embed-more").GetAttribute("href"));
        Assert.Contains(Usage.Calls, c => c.Scope == StatScope.Record && c.Key == "r1" && c.Period == Period.All);
    }

    [Fact]
    public void CommunityWidgetShowsTheCommunitysNumbers()
    {
        var cut = Render<EmbedCommunity>(p => p.Add(c => c.Community, "geo"));

        Assert.Equal("5,000", cut.Find("[data-embed=views] dd").TextContent.Trim());
        Assert.Contains(Policy.Questions, q => q.Target == new StatTarget(StatSubject.Community, "geo") && q.Family == StatFamily.Usage);
    }

    [Fact]
    public void WidgetsAskWhatAnAnonymousVisitorMaySeeEvenWhenAnAdminIsSignedIn()
    {
        SignIn("admin-1", "Admin", "admin");
        Policy.Decisions[StatFamily.Usage] = AccessDecision.SignInRequired;

        var cut = Render<EmbedRecord>(p => p.Add(c => c.Recid, "r1"));

        var question = Assert.Single(Policy.Questions);
        Assert.Same(StatsViewer.Anonymous, question.Viewer);
        Assert.Contains("not public", cut.Find(".stats-embed-not-public").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-embed]"));
        Assert.Empty(Usage.Calls);
    }

    [Fact]
    public void AFailingStoreSaysToTryLaterWithoutTechnicalDetails()
    {
        Usage.Failure = new InvalidOperationException("database is locked");

        var cut = Render<EmbedRecord>(p => p.Add(c => c.Recid, "r1"));

        Assert.DoesNotContain("locked", cut.Markup, StringComparison.Ordinal);
        Assert.NotNull(cut.Find(".stats-embed-error"));
    }
}
