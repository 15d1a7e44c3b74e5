using System.Text.Json;
using Bunit;
using Microsoft.JSInterop;
using Stats.Dashboard.Components;
using Stats.Dashboard.Components.Charts;

namespace Stats.Tests.Components.Charts;

public sealed class ApexChartTests : DashboardTestContext
{
    private readonly BunitJSModuleInterop _module;

    public ApexChartTests()
    {
        // Strict: every JS call the chart makes must be one this test expects.
        JSInterop.Mode = JSRuntimeMode.Strict;
        _module = JSInterop.SetupModule(ApexChart.ModulePath);
        _module.SetupVoid("create", _ => true).SetVoidResult();
        _module.SetupVoid("update", _ => true).SetVoidResult();
        _module.SetupVoid("destroy", _ => true).SetVoidResult();
    }

    [Fact]
    public void FirstRenderCreatesTheChartThroughTheModuleWithTheSerializedSeries()
    {
        var cut = Render<ApexChart>(p => p
            .Add(c => c.ChartId, "usage")
            .Add(c => c.Type, ChartType.Bar)
            .Add(c => c.Series, [new ChartSeries("views", [1, 2, 3]), new ChartSeries("downloads", [0, 4, 5])])
            .Add(c => c.Categories, ["Mon", "Tue", "Wed"])
            .Add(c => c.Stacked, true)
            .Add(c => c.Height, 280)
            .Add(c => c.Title, "Usage"));

        var create = _module.VerifyInvoke("create");
        Assert.Equal("usage", create.Arguments[0]);
        create.Arguments[1].ShouldBeElementReferenceTo(cut.Find(".stats-apexchart"));
        using var options = JsonDocument.Parse((string)create.Arguments[2]!);
        var root = options.RootElement;
        Assert.Equal("bar", root.GetProperty("chart").GetProperty("type").GetString());
        Assert.True(root.GetProperty("chart").GetProperty("stacked").GetBoolean());
        Assert.Equal(280, root.GetProperty("chart").GetProperty("height").GetInt32());
        Assert.Equal("Usage", root.GetProperty("title").GetProperty("text").GetString());
        var series = root.GetProperty("series");
        Assert.Equal(2, series.GetArrayLength());
        Assert.Equal("views", series[0].GetProperty("name").GetString());
        Assert.Equal([1, 2, 3], series[0].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
        Assert.Equal("downloads", series[1].GetProperty("name").GetString());
        Assert.Equal([0, 4, 5], series[1].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
        Assert.Equal("category", root.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal(["Mon", "Tue", "Wed"], root.GetProperty("xaxis").GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public void ContainerHasTheStableClassAndTheChartIdForBrowserTests()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.ChartId, "overview-events").Add(c => c.Series, []));

        var container = cut.Find("div.stats-apexchart");
        Assert.Equal("overview-events", container.GetAttribute("data-chart-id"));
    }

    [Fact]
    public void ChartsWithoutAnIdGetDistinctGeneratedOnes()
    {
        var first = Render<ApexChart>(p => p.Add(c => c.Series, []));
        var second = Render<ApexChart>(p => p.Add(c => c.Series, []));

        Assert.NotEqual(first.Find(".stats-apexchart").GetAttribute("data-chart-id"), second.Find(".stats-apexchart").GetAttribute("data-chart-id"));
    }

    [Fact]
    public void DateTimeXValuesMakeADatetimeAxisInUnixMilliseconds()
    {
        var day = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

        Render<ApexChart>(p => p
            .Add(c => c.Type, ChartType.Area)
            .Add(c => c.Series, [new ChartSeries("views", [3, 4])])
            .Add(c => c.DateTimes, [day, day.AddDays(1)]));

        using var options = OptionsOf(_module.VerifyInvoke("create"));
        var xaxis = options.RootElement.GetProperty("xaxis");
        Assert.Equal("datetime", xaxis.GetProperty("type").GetString());
        Assert.Equal([day.ToUnixTimeMilliseconds(), day.AddDays(1).ToUnixTimeMilliseconds()], xaxis.GetProperty("categories").EnumerateArray().Select(c => c.GetInt64()));
    }

    [Fact]
    public void PieChartsSendTheSlicesAsOneListWithTheCategoriesAsLabels()
    {
        Render<ApexChart>(p => p
            .Add(c => c.Type, ChartType.Donut)
            .Add(c => c.Series, [new ChartSeries("countries", [50, 30, 20])])
            .Add(c => c.Categories, ["CH", "DE", "US"]));

        using var options = OptionsOf(_module.VerifyInvoke("create"));
        var root = options.RootElement;
        Assert.Equal("donut", root.GetProperty("chart").GetProperty("type").GetString());
        Assert.Equal([50, 30, 20], root.GetProperty("series").EnumerateArray().Select(d => d.GetDouble()));
        Assert.Equal(["CH", "DE", "US"], root.GetProperty("labels").EnumerateArray().Select(c => c.GetString()));
        Assert.False(root.TryGetProperty("xaxis", out _));
    }

    [Fact]
    public void DarkModeReachesTheChartsThemeAndTooltip()
    {
        Render<ApexChart>(p => p.Add(c => c.Series, [new ChartSeries("views", [1])]).Add(c => c.ThemeMode, ThemeMode.Dark));

        using var options = OptionsOf(_module.VerifyInvoke("create"));
        Assert.Equal("dark", options.RootElement.GetProperty("theme").GetProperty("mode").GetString());
        Assert.Equal("dark", options.RootElement.GetProperty("tooltip").GetProperty("theme").GetString());
    }

    [Fact]
    public void ChangedParametersUpdateTheExistingChartInsteadOfCreatingANewOne()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.ChartId, "c").Add(c => c.Series, [new ChartSeries("views", [1, 2])]));

        cut.Render(p => p.Add(c => c.Series, [new ChartSeries("views", [1, 2]), new ChartSeries("downloads", [7, 8])]).Add(c => c.ThemeMode, ThemeMode.Dark));

        _module.VerifyInvoke("create");
        var update = _module.VerifyInvoke("update");
        Assert.Equal("c", update.Arguments[0]);
        using var options = JsonDocument.Parse((string)update.Arguments[1]!);
        Assert.Equal(2, options.RootElement.GetProperty("series").GetArrayLength());
        Assert.Equal("dark", options.RootElement.GetProperty("theme").GetProperty("mode").GetString());
    }

    [Fact]
    public void ParametersThatChangeWhileTheChartIsCreatedAreSentOnceItExists()
    {
        var creating = _module.SetupVoid("create", _ => true);
        var cut = Render<ApexChart>(p => p.Add(c => c.Series, [new ChartSeries("views", [1])]));

        cut.Render(p => p.Add(c => c.Series, [new ChartSeries("views", [2])]));
        _module.VerifyNotInvoke("update");

        creating.SetVoidResult();

        cut.WaitForAssertion(() => _module.VerifyInvoke("update"));
        using var options = JsonDocument.Parse((string)_module.VerifyInvoke("update").Arguments[1]!);
        Assert.Equal(2, options.RootElement.GetProperty("series")[0].GetProperty("data")[0].GetDouble());
    }

    [Fact]
    public void ARenderWithUnchangedParametersSendsNothing()
    {
        var series = new[] { new ChartSeries("views", [1, 2]) };
        var cut = Render<ApexChart>(p => p.Add(c => c.Series, series));

        cut.Render(p => p.Add(c => c.Series, series));

        _module.VerifyNotInvoke("update");
    }

    [Fact]
    public async Task DisposingTheComponentDestroysTheChart()
    {
        Render<ApexChart>(p => p.Add(c => c.ChartId, "c").Add(c => c.Series, []));

        await DisposeComponentsAsync();

        Assert.Equal("c", _module.VerifyInvoke("destroy").Arguments[0]);
    }

    [Fact]
    public async Task DisposingAfterTheCircuitIsGoneDoesNotThrow()
    {
        _module.SetupVoid("destroy", _ => true).SetException(new JSDisconnectedException("The circuit is gone."));
        Render<ApexChart>(p => p.Add(c => c.Series, []));

        await DisposeComponentsAsync();

        _module.VerifyInvoke("destroy");
    }

    [Fact]
    public void AChartThatCannotBeDrawnSaysSoInsteadOfBreakingThePage()
    {
        _module.SetupVoid("create", _ => true).SetException(new JSException("ApexCharts is not loaded."));

        var cut = Render<ApexChart>(p => p.Add(c => c.Series, [new ChartSeries("views", [1])]));

        cut.WaitForAssertion(() => Assert.Contains("could not be drawn", cut.Markup));
    }

    [Fact]
    public void APreviousPeriodIsSentAfterTheCurrentSeriesAsADashedUnfilledGreyLineWhateverTheChartType()
    {
        Render<ApexChart>(p => p
            .Add(c => c.ChartId, "compared")
            .Add(c => c.Type, ChartType.Bar)
            .Add(c => c.Series, [new ChartSeries("Views", [1, 2])])
            .Add(c => c.PreviousSeries, [new ChartSeries("Views (previous)", [3, 4])])
            .Add(c => c.Colors, ["#123456"])
            .Add(c => c.Categories, ["Mon", "Tue"]));

        using var options = OptionsOf(_module.VerifyInvoke("create"));
        var root = options.RootElement;
        var series = root.GetProperty("series");
        Assert.Equal(("Views", "column"), (series[0].GetProperty("name").GetString(), series[0].GetProperty("type").GetString()));
        Assert.Equal(("Views (previous)", "line"), (series[1].GetProperty("name").GetString(), series[1].GetProperty("type").GetString()));
        Assert.Equal([3, 4], series[1].GetProperty("data").EnumerateArray().Select(d => d.GetDouble()));
        // Bars have no stroke; the comparison's line has one, dashed.
        Assert.Equal([0, 2], root.GetProperty("stroke").GetProperty("width").EnumerateArray().Select(w => w.GetInt32()));
        Assert.Equal([0, 5], root.GetProperty("stroke").GetProperty("dashArray").EnumerateArray().Select(w => w.GetInt32()));
        Assert.Equal(0, root.GetProperty("fill").GetProperty("opacity")[1].GetDouble());
        var colors = root.GetProperty("colors").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal("#123456", colors[0]);
        Assert.NotEqual("#123456", colors[1]);
    }

    [Fact]
    public void BehindSeveralSeriesEachPreviousPeriodTakesItsOwnSeriesColour()
    {
        Render<ApexChart>(p => p
            .Add(c => c.ChartId, "compared")
            .Add(c => c.Type, ChartType.Area)
            .Add(c => c.Series, [new ChartSeries("Views", [1, 2]), new ChartSeries("Downloads", [0, 1])])
            .Add(c => c.PreviousSeries, [new ChartSeries("Views (previous period)", [3, 4]), new ChartSeries("Downloads (previous period)", [1, 1])])
            .Add(c => c.Colors, ["#123456", "#abcdef"])
            .Add(c => c.Categories, ["Mon", "Tue"]));

        using var options = OptionsOf(_module.VerifyInvoke("create"));
        var root = options.RootElement;
        Assert.Equal(["#123456", "#abcdef", "#123456", "#abcdef"], root.GetProperty("colors").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal([0, 0, 5, 5], root.GetProperty("stroke").GetProperty("dashArray").EnumerateArray().Select(w => w.GetInt32()));
    }

    [Fact]
    public void AStackedChartDrawsNoPreviousPeriod()
    {
        Render<ApexChart>(p => p
            .Add(c => c.ChartId, "stacked")
            .Add(c => c.Type, ChartType.Area)
            .Add(c => c.Stacked, true)
            .Add(c => c.Series, [new ChartSeries("Views", [1, 2])])
            .Add(c => c.PreviousSeries, [new ChartSeries("Views (previous)", [3, 4])])
            .Add(c => c.Categories, ["Mon", "Tue"]));

        using var options = OptionsOf(_module.VerifyInvoke("create"));
        Assert.Equal(1, options.RootElement.GetProperty("series").GetArrayLength());
        Assert.False(options.RootElement.GetProperty("stroke").TryGetProperty("dashArray", out _));
    }

    private static JsonDocument OptionsOf(JSRuntimeInvocation create) => JsonDocument.Parse((string)create.Arguments[2]!);
}
