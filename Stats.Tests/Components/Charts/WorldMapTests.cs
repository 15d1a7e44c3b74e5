using System.Text.Json;
using Bunit;
using Microsoft.JSInterop;
using Stats.Dashboard.Components;
using Stats.Dashboard.Components.Charts;

namespace Stats.Tests.Components.Charts;

public sealed class WorldMapTests : DashboardTestContext
{
    private readonly BunitJSModuleInterop _module;

    public WorldMapTests()
    {
        // Strict: every JS call the map makes must be one this test expects.
        JSInterop.Mode = JSRuntimeMode.Strict;
        _module = JSInterop.SetupModule(WorldMap.ModulePath);
        _module.SetupVoid("create", _ => true).SetVoidResult();
        _module.SetupVoid("update", _ => true).SetVoidResult();
        _module.SetupVoid("destroy", _ => true).SetVoidResult();
    }

    [Fact]
    public void FirstRenderCreatesTheMapWithAFillAndATooltipPerKnownCountry()
    {
        var cut = Render<WorldMap>(p => p
            .Add(c => c.MapId, "visitors")
            .Add(c => c.Label, "Views")
            .Add(c => c.Values, new Dictionary<string, double> { ["CH"] = 100, ["DE"] = 10, ["US"] = 55, ["ZZ"] = 7 })
            .Add(c => c.Details, new Dictionary<string, IReadOnlyList<MapFigure>> { ["CH"] = [new MapFigure("Downloads", 1234)] }));

        var create = _module.VerifyInvoke("create");
        Assert.Equal("visitors", create.Arguments[0]);
        create.Arguments[1].ShouldBeElementReferenceTo(cut.Find(".stats-worldmap-canvas"));
        using var options = JsonDocument.Parse((string)create.Arguments[2]!);
        var root = options.RootElement;
        var fills = root.GetProperty("fills");
        Assert.Equal(["CH", "DE", "US"], fills.EnumerateObject().Select(f => f.Name));
        Assert.Equal(WorldMapTheme.Light.HighFill, fills.GetProperty("CH").GetString());
        Assert.Equal(WorldMapTheme.Light.LowFill, fills.GetProperty("DE").GetString());
        Assert.Equal(["Views: 100", "Downloads: 1,234"], root.GetProperty("tooltips").GetProperty("CH").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(["Views: 55"], root.GetProperty("tooltips").GetProperty("US").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("Views: 0", root.GetProperty("emptyTooltip").GetString());
        Assert.Equal("light", root.GetProperty("theme").GetProperty("mode").GetString());
    }

    [Fact]
    public void TheLegendShowsTheLowestAndHighestValueOfTheKnownCountries()
    {
        var cut = Render<WorldMap>(p => p
            .Add(c => c.Label, "Downloads")
            .Add(c => c.Values, new Dictionary<string, double> { ["FR"] = 3, ["JP"] = 4500, ["ZZ"] = 90000 }));

        Assert.Equal("3", cut.Find(".stats-worldmap-min").TextContent);
        Assert.Equal("4,500", cut.Find(".stats-worldmap-max").TextContent);
        Assert.Contains("Downloads per country", cut.Find(".stats-worldmap-legend").TextContent);
    }

    [Fact]
    public void UnknownCountriesAreNotOnTheMapButCountedUnderIt()
    {
        var cut = Render<WorldMap>(p => p
            .Add(c => c.Label, "Views")
            .Add(c => c.Values, new Dictionary<string, double> { ["CH"] = 2, ["ZZ"] = 1500 }));

        using var options = JsonDocument.Parse((string)_module.VerifyInvoke("create").Arguments[2]!);
        Assert.False(options.RootElement.GetProperty("fills").TryGetProperty("ZZ", out _));
        Assert.Contains("1,500 views came from an unknown country", cut.Find(".stats-worldmap-unknown").TextContent);
    }

    [Fact]
    public void WithoutUnknownCountriesNothingIsSaidAboutThem()
    {
        var cut = Render<WorldMap>(p => p.Add(c => c.Label, "Views").Add(c => c.Values, new Dictionary<string, double> { ["CH"] = 2 }));

        Assert.Empty(cut.FindAll(".stats-worldmap-unknown"));
    }

    [Fact]
    public void AMapWithoutValuesSaysSoInItsLegend()
    {
        var cut = Render<WorldMap>(p => p.Add(c => c.Label, "Views").Add(c => c.Values, new Dictionary<string, double>()));

        Assert.Contains("No views with a known country", cut.Find(".stats-worldmap-legend").TextContent);
        Assert.Empty(cut.FindAll(".stats-worldmap-min"));
    }

    [Fact]
    public void DarkModeReachesTheMapsColours()
    {
        Render<WorldMap>(p => p
            .Add(c => c.Label, "Views")
            .Add(c => c.Values, new Dictionary<string, double> { ["CH"] = 2 })
            .Add(c => c.ThemeMode, ThemeMode.Dark));

        using var options = JsonDocument.Parse((string)_module.VerifyInvoke("create").Arguments[2]!);
        var theme = options.RootElement.GetProperty("theme");
        Assert.Equal("dark", theme.GetProperty("mode").GetString());
        Assert.Equal(WorldMapTheme.Dark.EmptyFill, theme.GetProperty("emptyFill").GetString());
    }

    [Fact]
    public void ChangedValuesRepaintTheExistingMapInsteadOfCreatingANewOne()
    {
        var cut = Render<WorldMap>(p => p.Add(c => c.MapId, "m").Add(c => c.Label, "Views").Add(c => c.Values, new Dictionary<string, double> { ["CH"] = 2 }));

        cut.Render(p => p.Add(c => c.Values, new Dictionary<string, double> { ["CH"] = 2, ["BR"] = 8 }));

        Assert.Single(_module.Invocations["create"]);
        var update = _module.VerifyInvoke("update");
        Assert.Equal("m", update.Arguments[0]);
        using var options = JsonDocument.Parse((string)update.Arguments[1]!);
        Assert.Equal(["BR", "CH"], options.RootElement.GetProperty("fills").EnumerateObject().Select(f => f.Name));
    }

    [Fact]
    public void ARenderWithUnchangedValuesSendsNothing()
    {
        var values = new Dictionary<string, double> { ["CH"] = 2 };
        var cut = Render<WorldMap>(p => p.Add(c => c.Label, "Views").Add(c => c.Values, values));

        cut.Render(p => p.Add(c => c.Values, new Dictionary<string, double>(values)));

        _module.VerifyNotInvoke("update");
    }

    [Fact]
    public async Task DisposingTheComponentDestroysTheMap()
    {
        Render<WorldMap>(p => p.Add(c => c.MapId, "m").Add(c => c.Label, "Views").Add(c => c.Values, new Dictionary<string, double>()));

        await DisposeComponentsAsync();

        Assert.Equal("m", _module.VerifyInvoke("destroy").Arguments[0]);
    }

    [Fact]
    public void AMapThatCannotBeDrawnSaysSoInsteadOfBreakingThePage()
    {
        _module.SetupVoid("create", _ => true).SetException(new JSException("Could not load lib/jsvectormap/maps/world.js."));

        var cut = Render<WorldMap>(p => p.Add(c => c.Label, "Views").Add(c => c.Values, new Dictionary<string, double> { ["CH"] = 2 }));

        cut.WaitForAssertion(() => Assert.Contains("could not be drawn", cut.Markup));
    }

    [Fact]
    public void ColoursAreLinearBetweenTheEndsOfTheScale()
    {
        Render<WorldMap>(p => p.Add(c => c.Label, "Views").Add(c => c.Values, new Dictionary<string, double> { ["AR"] = 2, ["BE"] = 12, ["CA"] = 7 }));

        using var options = JsonDocument.Parse((string)_module.VerifyInvoke("create").Arguments[2]!);
        var fills = options.RootElement.GetProperty("fills");
        Assert.Equal("#c6dbef", fills.GetProperty("AR").GetString());
        Assert.Equal("#08306b", fills.GetProperty("BE").GetString());
        Assert.Equal("#6786ad", fills.GetProperty("CA").GetString());
    }

    [Fact]
    public void ACountryWithZeroKeepsTheEmptyColourAndTheScaleStartsAboveZeroButItsTooltipHasItsNumbers()
    {
        var cut = Render<WorldMap>(p => p
            .Add(c => c.Label, "Downloads")
            .Add(c => c.Values, new Dictionary<string, double> { ["AR"] = 0, ["BE"] = 12, ["CA"] = 3 })
            .Add(c => c.Details, new Dictionary<string, IReadOnlyList<MapFigure>> { ["AR"] = [new MapFigure("Views", 40)] }));

        using var options = JsonDocument.Parse((string)_module.VerifyInvoke("create").Arguments[2]!);
        Assert.Equal(["BE", "CA"], options.RootElement.GetProperty("fills").EnumerateObject().Select(f => f.Name));
        Assert.Equal(["Downloads: 0", "Views: 40"], options.RootElement.GetProperty("tooltips").GetProperty("AR").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("3", cut.Find(".stats-worldmap-min").TextContent);
    }
}
