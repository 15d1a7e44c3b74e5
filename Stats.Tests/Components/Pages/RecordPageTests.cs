using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Pages.Records;

namespace Stats.Tests.Components.Pages;

public sealed class RecordPageTests : DashboardTestContext
{
    private static readonly DateOnly s_today = DateOnly.FromDateTime(Now.UtcDateTime);

    public RecordPageTests()
    {
        Usage.Records["v2"] = new RecordInfo("v2", "Lake sediments", "c1", "u1", Deleted: false);
        Usage
            .Usage(StatScope.Record, "v2", s_today, new UsageCounts(7, 5, 3, 2, 3000))
            .Usage(StatScope.Record, "v2", s_today.AddDays(-1), new UsageCounts(2, 1, 1, 1, 500), AccessMethod.Machine)
            .Usage(StatScope.Concept, "c1", s_today, new UsageCounts(20, 12, 9, 6, 9000));
        Usage.Files.AddRange([new FileDownloadBucket("data.csv", 3, 2, 3000), new FileDownloadBucket("readme.txt", 1, 1, 500)]);
        Usage.Countries.AddRange([new CountryBucket("DE", 5, 4, 2, 2), new CountryBucket("ZZ", 4, 2, 2, 1)]);
    }

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public void ARestrictedRecordsTitleIsNotShownToSomeoneWhoMayNotOpenIt()
    {
        Policy.RestrictedRecords.Add("v2");

        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        Assert.Equal("Record v2", cut.Find("h1").TextContent.Trim());
        Assert.DoesNotContain("Lake sediments", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ShowsThisVersionsNumbersFilesCountriesAndAccessMethods()
    {
        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        Assert.Equal("Lake sediments", cut.Find("h1").TextContent.Trim());
        Assert.Equal("9", Headline(cut, "views"));
        Assert.Equal("3", Headline(cut, "unique-downloads"));
        Assert.Equal("3.5 kB", Headline(cut, "data-volume"));
        Assert.Equal(["Regular", "7", "5", "3", "2", "3.0 kB"], Cells(cut, "record-access-v2", 0));
        Assert.Equal(["Machine", "2", "1", "1", "1", "500 B"], Cells(cut, "record-access-v2", 1));
        Assert.Equal(["data.csv", "3", "2", "3.0 kB"], Cells(cut, "record-files-v2", 0));
        Assert.Equal(["Germany (DE)", "5", "4", "2", "2"], Cells(cut, "record-countries-v2", 0));
        Assert.Equal(["Unknown (ZZ)", "4", "2", "2", "1"], Cells(cut, "record-countries-v2", 1));
    }

    [Fact]
    public void ARecordWhoseNumbersArePartlyImportedSaysFromWhenToWhenAndFromWhere()
    {
        Usage.Imported[(StatSubject.Record, "v2")] = new ImportedHistory(new DateOnly(2019, 3, 1), new DateOnly(2023, 12, 31), ["invenio"]);

        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        var note = cut.WaitForElement(".stats-imported-note").TextContent;
        Assert.Contains("from 2019-03-01 to 2023-12-31", note, StringComparison.Ordinal);
        Assert.Contains("imported from invenio", note, StringComparison.Ordinal);
    }

    [Fact]
    public void ARecordWithoutImportedNumbersHasNoNote()
    {
        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        cut.WaitForAssertion(() => Assert.Equal("9", Headline(cut, "views")));
        Assert.Empty(cut.FindAll(".stats-imported-note"));
    }

    [Fact]
    public void EmbedThisOffersTheRecordsFrameBadgeAndScriptWithTheDashboardsAddress()
    {
        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        cut.Find(".stats-embed-this .mud-expand-panel-header").Click();

        cut.WaitForAssertion(() => Assert.Equal(
            "<iframe src=\"http://localhost/embed/records/v2\" title=\"Usage statistics\" width=\"100%\" height=\"200\" style=\"border:0\" loading=\"lazy\"></iframe>",
            cut.Find("[data-snippet=iframe]").TextContent));
        Assert.Contains("src=\"http://localhost/badge/records/v2/downloads.svg\"", cut.Find("[data-snippet=badge]").TextContent, StringComparison.Ordinal);
        Assert.Equal("<div data-stats-record=\"v2\"></div>\n<script src=\"http://localhost/embed.js\" async></script>", cut.Find("[data-snippet=script]").TextContent);
    }

    [Fact]
    public void AllVersionsSwitchNavigatesAndReadsTheConcept()
    {
        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        cut.Find(".stats-version-all").Click();

        Assert.EndsWith("?versions=all", Navigation.Uri, StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.Equal("20", Headline(cut, "views")));
        Assert.Contains(Usage.Calls, c => c.Query == "histogram" && c.Scope == StatScope.Concept && c.Key == "c1");
        Assert.Equal("true", cut.Find(".stats-version-all").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void AllVersionsSaysPlainlyThatFilesAndCountriesAreOfThisVersion()
    {
        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));
        Assert.Empty(cut.FindAll(".stats-version-scope"));

        cut.Find(".stats-version-all").Click();

        cut.WaitForAssertion(() => Assert.Contains(
            "The downloads per file and the countries below are of this version only (v2)",
            string.Join(' ', cut.Find(".stats-version-scope").TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)),
            StringComparison.Ordinal));
        Assert.Contains("also under All versions", cut.Find("[data-table=record-files-v2]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ARecordWithoutAConceptHasNoVersionSwitch()
    {
        Usage.Records["solo"] = new RecordInfo("solo", null, null, null, Deleted: false);

        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "solo"));

        Assert.Empty(cut.FindAll(".stats-version-all"));
        Assert.Equal("Record solo", cut.Find("h1").TextContent.Trim());
    }

    [Fact]
    public void TheUsageChartReceivesTheFourSeriesOfTheChosenIntervalThroughInterop()
    {
        var module = JSInterop.SetupModule(ApexChart.ModulePath);
        module.SetupVoid("create", _ => true).SetVoidResult();
        Navigation.NavigateTo("/records/v2?period=7d&interval=week");

        Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        var create = module.Invocations["create"].Single(i => (string)i.Arguments[0]! == "record-usage-v2");
        using var options = JsonDocument.Parse((string)create.Arguments[2]!);
        var series = options.RootElement.GetProperty("series");
        Assert.Equal(["Views", "Unique views", "Downloads", "Unique downloads"], series.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        // 19–25 Nov 2026 spans two ISO weeks: the one of Monday 16 Nov, and the one of Monday 23 Nov with both days of usage.
        Assert.Equal([0, 9], series[0].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
        var histogram = Assert.Single(Usage.Calls, c => c.Query == "histogram");
        Assert.Equal((new Period(s_today.AddDays(-6), s_today), Interval.Week), (histogram.Period, histogram.Interval));
    }

    [Fact]
    public void AnUnknownRecordSaysHowToFindOne()
    {
        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "nope"));

        Assert.Contains("No record \"nope\" is known", cut.Find(".stats-empty-state").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-headline]"));
    }

    [Fact]
    public void AFailingStoreShowsTheErrorState()
    {
        Usage.Failure = new TimeoutException("the store took too long");

        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        Assert.Contains("the store took too long", cut.Find(".stats-error-state").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void CountriesAreHiddenWhenTheirFamilyIsNotAllowedAndUsageStaysVisible()
    {
        Policy.Decisions[StatFamily.Countries] = AccessDecision.Forbidden;

        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        Assert.Empty(cut.FindAll("[data-table=record-countries-v2]"));
        Assert.NotNull(cut.Find(".stats-access-forbidden"));
        Assert.Equal("9", Headline(cut, "views"));
        Assert.Contains(Policy.Questions, q => q.Family == StatFamily.Countries && q.Target == new StatTarget(StatSubject.Record, "v2"));
    }

    [Fact]
    public void ASectionBehindAClosedGateIsNotLoadedAndTheOpenOneIs()
    {
        Policy.Decisions[StatFamily.Countries] = AccessDecision.SignInRequired;

        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        Assert.NotNull(cut.Find(".stats-access-sign-in"));
        Assert.DoesNotContain(Usage.Calls, c => c.Query == "countries");
        Assert.Contains(Usage.Calls, c => c.Query == "files");
        Assert.Equal("9", Headline(cut, "views"));
    }

    [Fact]
    public void NothingOfTheRecordIsLoadedBehindClosedGatesButItsCatalogEntry()
    {
        Policy.Decisions[StatFamily.Usage] = AccessDecision.Forbidden;
        Policy.Decisions[StatFamily.Countries] = AccessDecision.Forbidden;

        var cut = Render<RecordPage>(p => p.Add(c => c.Recid, "v2"));

        // Usage, countries, and the referring sites (usage seen from another side).
        Assert.Equal(3, cut.FindAll(".stats-access-forbidden").Count);
        Assert.Equal(["record-info"], Usage.Calls.Select(c => c.Query));
        Assert.Empty(Sources.Calls);
    }

    [Fact]
    public void RecordsListShowsTheMostViewedRecordsAndFiltersThemByTitle()
    {
        Usage.TopRecords.AddRange([new RankedRecord("v2", "Lake sediments", 9), new RankedRecord("r9", "Glacier cores", 4)]);

        var cut = Render<Stats.Dashboard.Components.Pages.Records.Records>();

        Assert.Equal(2, cut.FindAll("[data-table=top-records] tbody tr").Count);
        cut.Find("#record-search").Input("glacier");
        cut.WaitForAssertion(() => Assert.Equal("Glacier cores", Assert.Single(cut.FindAll("[data-table=top-records] tbody tr")).QuerySelector("a")!.TextContent.Trim()));
    }

    private static string Headline(IRenderedComponent<IComponent> cut, string key) =>
        cut.Find($"[data-headline={key}] .stats-headline-value").TextContent.Trim();

    private static List<string> Cells(IRenderedComponent<IComponent> cut, string table, int row) =>
        [.. cut.FindAll($"[data-table={table}] tbody tr")[row].QuerySelectorAll("td").Select(td => td.TextContent.Trim())];
}
