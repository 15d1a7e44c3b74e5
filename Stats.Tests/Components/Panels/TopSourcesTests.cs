using Bunit;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Access;
using Stats.Dashboard.Components.Pages.Communities;
using Stats.Dashboard.Components.Pages.Records;
using Stats.Dashboard.Components.Panels;

namespace Stats.Tests.Components.Panels;

/// <summary>"Top referring sites" and "Top organisations" (issue 15 part 4).</summary>
public sealed class TopSourcesTests : DashboardTestContext
{
    private static readonly DateOnly s_today = DateOnly.FromDateTime(Now.UtcDateTime);
    private static readonly StatTarget s_hep = new(StatSubject.Community, "hep");

    public TopSourcesTests()
    {
        Usage.Records["v2"] = new RecordInfo("v2", "Lake sediments", null, "u1", Deleted: false);
        Sources.Referrers = new SourceRanking(
            [new SourceBucket("scholar.google.com", 12, 4), new SourceBucket("en.wikipedia.org", 3, 0)], new SourceCounts(2, 1));
    }

    [Fact]
    public void ARecordPanelListsItsTopReferringSitesThenOtherForItsPeriod()
    {
        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-table=record-referrers-v2] tbody tr").Count));
        Assert.Equal("Top referring sites", cut.Find("#record-referrers-v2-title").TextContent.Trim());
        Assert.Equal(["scholar.google.com", "12", "4"], Cells(cut, "record-referrers-v2", 0));
        Assert.Equal(["Other", "2", "1"], Cells(cut, "record-referrers-v2", 2));
        var (query, target, period) = Assert.Single(Sources.Calls);
        Assert.Equal(("referrers", new StatTarget(StatSubject.Record, "v2")), (query, target));
        Assert.Equal(s_today, period.End);
    }

    [Fact]
    public void TheCsvOfReferringSitesHasEveryRowShownAndOther()
    {
        var module = JSInterop.SetupModule(FileDownloader.ModulePath);
        module.SetupVoid("downloadText", _ => true).SetVoidResult();
        var cut = Render<TopSources>(p => p.Add(c => c.Target, s_hep).Add(c => c.To, s_today).Add(c => c.Key, "community-referrers"));

        cut.WaitForElement(".stats-export-csv").Click();

        var call = module.VerifyInvoke("downloadText");
        Assert.Equal("community-referrers.csv", call.Arguments[0]);
        Assert.Equal("Source,Views,Downloads\r\nscholar.google.com,12,4\r\nen.wikipedia.org,3,0\r\nOther,2,1\r\n", call.Arguments[2]);
    }

    [Fact]
    public void TopOrganisationsAreNotAskedForUntilTheViewerMaySeeThem()
    {
        var cut = Render<TopSources>(p => p.Add(c => c.Organisations, true).Add(c => c.Target, s_hep).Add(c => c.To, s_today).Add(c => c.Key, "community-organisations"));

        cut.WaitForElement(".stats-access-sign-in");
        Assert.Contains(Policy.Questions, q => q.Family == StatFamily.Organisations && q.Target == s_hep);
        Assert.Empty(Sources.Calls);
    }

    [Fact]
    public void AnAdminSeesACommunitysTopOrganisations()
    {
        SignIn("admin-1", "Ada Admin", ViewerClaims.AdminRole);
        Sources.Organisations = new SourceRanking([new SourceBucket("AS513 CERN - European Organization for Nuclear Research", 40, 9)], SourceCounts.Zero);

        var cut = Render<TopSources>(p => p.Add(c => c.Organisations, true).Add(c => c.Target, s_hep).Add(c => c.To, s_today).Add(c => c.Key, "community-organisations"));

        cut.WaitForAssertion(() => Assert.Equal(
            ["AS513 CERN - European Organization for Nuclear Research", "40", "9"], Cells(cut, "community-organisations", 0)));
        Assert.Equal("Top organisations", cut.Find("#community-organisations-title").TextContent.Trim());
        Assert.Equal([("organisations", s_hep)], Sources.Calls.Select(c => (c.Query, c.Target)));
    }

    [Fact]
    public void AStoreThatDoesNotAnswerShowsTheErrorStateAndRetryLoadsAgain()
    {
        Sources.Failure = new InvalidOperationException("store down");
        var cut = Render<TopSources>(p => p.Add(c => c.Target, s_hep).Add(c => c.To, s_today).Add(c => c.Key, "community-referrers"));

        cut.WaitForElement(".stats-error-state");
        Sources.Failure = null;
        cut.Find(".stats-retry").Click();

        cut.WaitForAssertion(() => Assert.Equal(["scholar.google.com", "12", "4"], Cells(cut, "community-referrers", 0)));
        Assert.Equal(2, Sources.Calls.Count);
    }

    private static List<string> Cells<T>(IRenderedComponent<T> cut, string table, int row)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        [.. cut.FindAll($"[data-table={table}] tbody tr")[row].QuerySelectorAll("td").Select(td => td.TextContent.Trim())];
}

/// <summary>The community panel's sources section, in the panels' setup.</summary>
public sealed class CommunitySourcesTests : Pages.PanelPageTestContext
{
    [Fact]
    public void ACommunityPanelHasBothSourceTables()
    {
        SignInAsAdmin();
        var cut = RenderAt<CommunityPanel>("/communities/hep", p => p.Add(c => c.Id, "hep"));

        cut.WaitForAssertion(() => Assert.Equal(["community-referrers", "community-organisations"], cut.FindAll("[data-sources]").Select(e => e.GetAttribute("data-sources"))));
        cut.WaitForAssertion(() => Assert.Contains(Sources.Calls, c => c.Query == "organisations" && c.Target == new StatTarget(StatSubject.Community, "hep")));
    }
}
