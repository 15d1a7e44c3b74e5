using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Queries;
using RecordsPage = Stats.Dashboard.Components.Pages.Records.Records;

namespace Stats.Tests.Components.Pages;

/// <summary>The Records panel's ranking: by any of the four counts or the data volume over the whole period, of the repository, a community or an owner.</summary>
public sealed class RecordsPanelTests : DashboardTestContext
{
    private static readonly DateOnly s_today = DateOnly.FromDateTime(Now.UtcDateTime);

    public RecordsPanelTests()
    {
        // By views "Lake sediments" leads; by downloads "Glacier cores" does.
        Usage.TopRecords.AddRange([new RankedRecord("r1", "Lake sediments", 9), new RankedRecord("r2", "Glacier cores", 4)]);
        Usage
            .Usage(StatScope.Record, "r1", s_today, new UsageCounts(9, 8, 1, 1, 100))
            .Usage(StatScope.Record, "r2", s_today, new UsageCounts(4, 4, 7, 5, 700));
    }

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private IRenderedComponent<RecordsPage> RenderAt(string url)
    {
        Navigation.NavigateTo(url);
        return Render<RecordsPage>();
    }

    private static List<string> FirstColumn(IRenderedComponent<RecordsPage> cut) =>
        [.. cut.FindAll("[data-table=top-records] tbody tr").Select(tr => tr.QuerySelector("td a")!.TextContent.Trim())];

    private static AngleSharp.Dom.IElement Header(IRenderedComponent<RecordsPage> cut, string title) =>
        cut.FindAll("[data-table=top-records] th").Single(th => th.TextContent.Trim() == title);

    [Fact]
    public void ARestrictedRecordIsListedByItsRecidAloneAndItsTitleIsInNeitherTheTableNorTheCsv()
    {
        Policy.RestrictedRecords.Add("r2");

        var cut = RenderAt("/records");

        Assert.Equal(["Lake sediments", "r2"], FirstColumn(cut));
        Assert.DoesNotContain("Glacier cores", cut.Markup, StringComparison.Ordinal);
        var csv = cut.FindComponent<Stats.Dashboard.Components.Panels.StatTable<Stats.Dashboard.Components.Panels.RankedRecordRow>>().Instance.ToCsv();
        Assert.StartsWith("Title,Recid,", csv, StringComparison.Ordinal);
        Assert.Contains("\r\nLake sediments,r1,", csv, StringComparison.Ordinal);
        Assert.Contains("\r\n,r2,", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("Glacier cores", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRecordsAreRankedByViewsWithAllFourCountsShown()
    {
        var cut = RenderAt("/records");

        Assert.Equal(["Lake sediments", "Glacier cores"], FirstColumn(cut));
        Assert.Equal(
            ["Record", "Views", "Unique views", "Downloads", "Unique downloads", "Data volume", "Views change", "Views % change"],
            cut.FindAll("[data-table=top-records] th").Select(th => th.TextContent.Trim()));
        Assert.Equal("descending", Header(cut, "Views").GetAttribute("aria-sort"));
        Assert.Equal("Most viewed records", cut.Find("#top-records-title").TextContent.Trim());
    }

    [Fact]
    public void ClickingDownloadsRanksTheWholePeriodByDownloadsAndPutsItInTheUrl()
    {
        var cut = RenderAt("/records?period=12m");

        Header(cut, "Downloads").QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(["Glacier cores", "Lake sediments"], FirstColumn(cut)));
        Assert.Contains("rank=downloads", Navigation.Uri, StringComparison.Ordinal);
        Assert.Contains("period=12m", Navigation.Uri, StringComparison.Ordinal);
        // The ranking is asked of the store again, by downloads: not the views' top rows sorted again.
        Assert.Contains(Usage.Calls, c => c.Query == "top-records" && c.Metric == UsageMetric.Downloads);
        Assert.Equal("descending", Header(cut, "Downloads").GetAttribute("aria-sort"));
        Assert.Equal("none", Header(cut, "Views").GetAttribute("aria-sort"));
        Assert.Equal("Most downloaded records", cut.Find("#top-records-title").TextContent.Trim());
    }

    [Fact]
    public void ARankingInTheUrlIsLoadedAsIsAndAnUnknownOneFallsBackToViews()
    {
        var byUniqueDownloads = RenderAt("/records?rank=unique_downloads");
        Assert.Equal(["Glacier cores", "Lake sediments"], FirstColumn(byUniqueDownloads));
        Assert.Contains(Usage.Calls, c => c.Query == "top-records" && c.Metric == UsageMetric.UniqueDownloads);

        var unknown = RenderAt("/records?rank=nonsense");
        Assert.Equal(["Lake sediments", "Glacier cores"], FirstColumn(unknown));
    }

    [Fact]
    public void ClickingDataVolumePutsTheRecordWithFewViewsButTheMostBytesFirst()
    {
        // A dataset viewed once but downloaded in gigabytes: last by views, first by volume.
        Usage.TopRecords.Add(new RankedRecord("r3", "Climate model output", 1));
        Usage.Usage(StatScope.Record, "r3", s_today, new UsageCounts(1, 1, 1, 1, 4_000_000_000));
        var cut = RenderAt("/records?period=12m");
        Assert.Equal(["Lake sediments", "Glacier cores", "Climate model output"], FirstColumn(cut));

        Header(cut, "Data volume").QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(["Climate model output", "Glacier cores", "Lake sediments"], FirstColumn(cut)));
        Assert.Contains("rank=volume", Navigation.Uri, StringComparison.Ordinal);
        Assert.Contains(Usage.Calls, c => c.Query == "top-records" && c.Metric == UsageMetric.DataVolume);
        Assert.Equal("descending", Header(cut, "Data volume").GetAttribute("aria-sort"));
        Assert.Equal("4.0 GB", cut.FindAll("[data-table=top-records] tbody tr")[0].QuerySelectorAll("td")[5].TextContent.Trim());
        Assert.Equal("Records with the largest data volume downloaded", cut.Find("#top-records-title").TextContent.Trim());
    }

    [Fact]
    public void TheCommunityFilterInTheUrlRanksOnlyThatCommunitysRecordsUnderItsAccessRule()
    {
        var cut = RenderAt("/records?community=hep&rank=downloads");

        Assert.Contains(Usage.Calls, c => c.Query == "top-records" && c.Scope == StatScope.Community && c.Key == "hep" && c.Metric == UsageMetric.Downloads);
        Assert.Equal("Most downloaded records of community hep", cut.Find("#top-records-title").TextContent.Trim());
        Assert.Contains(Policy.Questions, q => q.Family == StatFamily.Usage && q.Target == new StatTarget(StatSubject.Community, "hep"));
        Assert.Equal("Community: hep", cut.Find(".stats-record-filter-chip[data-filter=community]").TextContent.Trim());
    }

    [Fact]
    public void AnOwnersRecordsAreHiddenWhenTheOwnersUsageIsNotForTheViewer()
    {
        Policy.Decisions[StatFamily.Usage] = AccessDecision.SignInRequired;

        var cut = RenderAt("/records?owner=u1");

        Assert.NotNull(cut.Find(".stats-access-sign-in"));
        Assert.DoesNotContain(Usage.Calls, c => c.Query == "top-records");
        Assert.Contains(Policy.Questions, q => q.Family == StatFamily.Usage && q.Target == new StatTarget(StatSubject.Owner, "u1"));
    }

    [Fact]
    public void TheFilterFormPutsCommunityAndOwnerInTheUrlAndKeepsThePeriod()
    {
        var cut = RenderAt("/records?period=12m");

        cut.Find("#record-filter-community").Change("hep");
        cut.Find("#record-filter-owner").Change(" u1 ");
        cut.Find("form.stats-record-filters").Submit();

        cut.WaitForAssertion(() => Assert.Contains(Usage.Calls, c => c.Query == "top-records" && c.Scope == StatScope.Owner && c.Key == "u1"));
        Assert.Contains("community=hep", Navigation.Uri, StringComparison.Ordinal);
        Assert.Contains("owner=u1", Navigation.Uri, StringComparison.Ordinal);
        Assert.Contains("period=12m", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCsvFileNameSaysWhatWasRankedAndWhen()
    {
        var cut = RenderAt("/records?community=hep&rank=downloads&period=custom&from=2025-12-07&to=2026-11-25");

        var table = cut.FindComponent<Stats.Dashboard.Components.Panels.StatTable<Stats.Dashboard.Components.Panels.RankedRecordRow>>();
        Assert.Equal("hep-top-records-by-downloads-2025-12-07_2026-11-25.csv", table.Instance.FileName);
    }
}
