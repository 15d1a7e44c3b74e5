using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Charts;
using Stats.Dashboard.Components.Panels;

namespace Stats.Tests.Components.Panels;

public sealed class ChartCardTests : DashboardTestContext
{
    private static readonly DateOnly s_day = new(2026, 11, 23);

    [Fact]
    public void TheChartGetsTheSeriesOnADatetimeAxisOfTheBucketDays()
    {
        var chart = JSInterop.SetupModule(ApexChart.ModulePath);
        chart.SetupVoid("create", _ => true).SetVoidResult();

        RenderCard();

        using var options = JsonDocument.Parse((string)chart.VerifyInvoke("create").Arguments[2]!);
        var series = options.RootElement.GetProperty("series");
        Assert.Equal(["Views", "Downloads"], series.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal([3, 4, 5], series[0].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
        Assert.Equal("datetime", options.RootElement.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal(
            new DateTimeOffset(s_day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds(),
            options.RootElement.GetProperty("xaxis").GetProperty("categories")[0].GetInt64());
    }

    [Fact]
    public void CsvHasADateColumnAndOneColumnPerSeries()
    {
        var cut = RenderCard();

        Assert.Equal("date,Views,Downloads\r\n2026-11-23,3,1\r\n2026-11-24,4,0\r\n2026-11-25,5,2\r\n", cut.Instance.ToCsv());
    }

    [Fact]
    public void APreviousPeriodAlwaysComparedIsDrawnWithoutASwitchAndExportedAfterTheCurrentSeries()
    {
        var cut = Render<ChartCard>(p => p
            .Add(c => c.ChartId, "compared")
            .Add(c => c.Title, "Views")
            .Add(c => c.Series, [new ChartSeries("Views", [3, 4])])
            .Add(c => c.PreviousSeries, [new ChartSeries("Views (previous: 21 – 22 Nov 2026)", [1, 2])])
            .Add(c => c.AlwaysComparePrevious, true)
            .Add(c => c.Days, [s_day, s_day.AddDays(1)]));

        Assert.Empty(cut.FindAll(".stats-compare-previous"));

        Assert.Equal("date,Views,Views (previous: 21 – 22 Nov 2026)\r\n2026-11-23,3,1\r\n2026-11-24,4,2\r\n", cut.Instance.ToCsv());
        var previous = Assert.Single(cut.FindComponent<ApexChart>().Instance.PreviousSeries!);
        Assert.Equal([1, 2], previous.Data);
    }

    [Fact]
    public void ImageButtonDownloadsThePngApexChartsMakes()
    {
        var chart = JSInterop.SetupModule(ApexChart.ModulePath);
        chart.SetupVoid("create", _ => true).SetVoidResult();
        chart.Setup<string?>("dataUri", _ => true).SetResult("data:image/png;base64,AAAA");
        var download = JSInterop.SetupModule(FileDownloader.ModulePath);
        download.SetupVoid("downloadDataUri", _ => true).SetVoidResult();
        var cut = RenderCard();

        cut.Find(".stats-export-image").Click();

        var call = download.VerifyInvoke("downloadDataUri");
        Assert.Equal("usage-over-time.png", call.Arguments[0]);
        Assert.Equal("data:image/png;base64,AAAA", call.Arguments[1]);
    }

    [Fact]
    public void WithoutDataTheCardShowsItsEmptyStateInsteadOfAChart()
    {
        var cut = Render<ChartCard>(p => p.Add(c => c.ChartId, "usage").Add(c => c.Title, "Usage").Add(c => c.Series, []).Add(c => c.EmptyTitle, "No views yet."));

        Assert.Empty(cut.FindAll(".stats-apexchart"));
        Assert.Contains("No views yet.", cut.Find(".stats-empty-state").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void AChartThatTakesNotesDrawsThemAndExportsThemInANoteColumnOnTheBucketsTheyCover()
    {
        var chart = JSInterop.SetupModule(ApexChart.ModulePath);
        chart.SetupVoid("create", _ => true).SetVoidResult();
        Notes.Add(s_day.AddDays(1), s_day.AddDays(1), "DOI resolver outage");
        Notes.Add(s_day.AddDays(2), s_day.AddDays(9), "featured in Nature news", community: "geo");
        Notes.Add(s_day.AddDays(2), s_day.AddDays(2), "another community's note", community: "hep");

        var cut = Render<ChartCard>(p => p
            .Add(c => c.ChartId, "community-usage")
            .Add(c => c.Title, "Usage over time")
            .Add(c => c.Series, [new ChartSeries("Views", [3, 4, 5])])
            .Add(c => c.Days, [s_day, s_day.AddDays(1), s_day.AddDays(2)])
            .Add(c => c.NotesFor, new StatTarget(StatSubject.Community, "geo")));

        Assert.Equal(
            "date,Views,note\r\n2026-11-23,3,\r\n2026-11-24,4,DOI resolver outage\r\n2026-11-25,5,featured in Nature news\r\n",
            cut.Instance.ToCsv());
        using var options = JsonDocument.Parse((string)chart.VerifyInvoke("create").Arguments[2]!);
        var notes = options.RootElement.GetProperty("annotations").GetProperty("xaxis");
        Assert.Equal(["DOI resolver outage", "featured in Nature news"], notes.EnumerateArray().Select(n => n.GetProperty("label").GetProperty("text").GetString()));
        Assert.Equal(EpochMilliseconds(s_day.AddDays(1)), notes[0].GetProperty("x").GetInt64());
        Assert.False(notes[0].TryGetProperty("x2", out _));
        Assert.Equal(EpochMilliseconds(s_day.AddDays(2)), notes[1].GetProperty("x").GetInt64());
        Assert.Equal(EpochMilliseconds(s_day.AddDays(10)), notes[1].GetProperty("x2").GetInt64());
        Assert.Equal((new StatTarget(StatSubject.Community, "geo"), s_day, s_day.AddDays(2)), Assert.Single(Notes.Asked));
    }

    [Fact]
    public void AChartWithoutNotesForAsksForNoNotesAndExportsNoNoteColumn()
    {
        Notes.Add(s_day, s_day, "DOI resolver outage");

        var cut = RenderCard();

        Assert.DoesNotContain("note", cut.Instance.ToCsv(), StringComparison.Ordinal);
        Assert.Empty(Notes.Asked);
    }

    [Fact]
    public void ThePreviousPeriodIsDrawnOnlyWhenTheUrlAsksAndTheSwitchWritesIt()
    {
        var chart = JSInterop.SetupModule(ApexChart.ModulePath);
        chart.SetupVoid("create", _ => true).SetVoidResult();
        chart.SetupVoid("update", _ => true).SetVoidResult();
        var navigation = Services.GetRequiredService<NavigationManager>();
        IReadOnlyList<ChartSeries> previous = [new ChartSeries("Views", [7, 8, 9, 10]), new ChartSeries("Downloads", [0, 1, 0, 1])];

        var plain = RenderCard(previous);
        Assert.Null(plain.FindComponent<ApexChart>().Instance.PreviousSeries);
        Assert.StartsWith("date,Views,Downloads\r\n", plain.Instance.ToCsv(), StringComparison.Ordinal);
        plain.Find(".stats-compare-previous input").Change(true);
        Assert.Contains("compare=previous", navigation.Uri, StringComparison.Ordinal);

        var compared = RenderCard(previous);

        var drawn = compared.FindComponent<ApexChart>().Instance;
        Assert.Equal(["Views", "Downloads"], drawn.Series.Select(s => s.Name));
        Assert.Equal(["Views (previous period)", "Downloads (previous period)"], drawn.PreviousSeries!.Select(s => s.Name));
        // The previous period had a fourth bucket (a longer month): cut to the current period's three.
        Assert.Equal([7, 8, 9], drawn.PreviousSeries![0].Data);
        Assert.StartsWith("date,Views,Downloads,Views (previous period),Downloads (previous period)\r\n2026-11-23,3,1,7,0", compared.Instance.ToCsv(), StringComparison.Ordinal);
    }

    private static long EpochMilliseconds(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

    private IRenderedComponent<ChartCard> RenderCard(IReadOnlyList<ChartSeries>? previous = null) =>
        Render<ChartCard>(p => p
            .Add(c => c.ChartId, "usage-over-time")
            .Add(c => c.Title, "Usage over time")
            .Add(c => c.Series, [new ChartSeries("Views", [3, 4, 5]), new ChartSeries("Downloads", [1, 0, 2])])
            .Add(c => c.Days, [s_day, s_day.AddDays(1), s_day.AddDays(2)])
            .Add(c => c.PreviousSeries, previous));
}
