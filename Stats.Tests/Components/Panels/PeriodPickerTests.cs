using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Panels;

namespace Stats.Tests.Components.Panels;

public sealed class PeriodPickerTests : DashboardTestContext
{
    private static readonly DateOnly s_today = DateOnly.FromDateTime(Now.UtcDateTime);

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public void AnIntervalChangeKeepsThePeriodAndPutsBothInTheUrl()
    {
        Navigation.NavigateTo("/records?period=12m&interval=month");
        var cut = Render<PeriodPicker>(p => p.Add(c => c.Value, PanelPeriod.Of(PeriodPreset.Last12Months)).Add(c => c.Today, s_today));

        cut.Find("select.stats-period-interval").Change("week");
        cut.Find("select.stats-period-interval").Blur();

        Assert.EndsWith("/records?period=12m&interval=week", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void ArrowingThroughPresetsLoadsNothingUntilTheSelectIsLeftThenLoadsTheLastOneOnce()
    {
        Navigation.NavigateTo("/records?period=30d&interval=day");
        var navigations = new List<string>();
        Navigation.LocationChanged += (_, e) => navigations.Add(e.Location);
        var cut = Render<PeriodPicker>(p => p.Add(c => c.Value, PanelPeriod.Default).Add(c => c.Today, s_today));

        // What a closed native select does on each arrow key: a change event per option passed.
        cut.Find("select.stats-period-preset").Change("mtd");
        cut.Find("select.stats-period-preset").Change("last-month");
        cut.Find("select.stats-period-preset").Change("12m");
        Assert.Empty(navigations);
        Assert.Equal("12m", cut.Find("select.stats-period-preset").GetAttribute("value"));

        cut.Find("select.stats-period-preset").Blur();

        Assert.Equal(["12m"], navigations.Select(u => QueryValue(u, "period")));
        Clock.Advance(PeriodPicker.ApplyDelay * 2);
        Assert.Single(navigations);
    }

    [Fact]
    public void AChoiceLeftAloneForThePauseIsAppliedAndEachFurtherChangeRestartsThePause()
    {
        Navigation.NavigateTo("/records?period=30d&interval=day");
        var navigations = new List<string>();
        Navigation.LocationChanged += (_, e) => navigations.Add(e.Location);
        var cut = Render<PeriodPicker>(p => p.Add(c => c.Value, PanelPeriod.Default).Add(c => c.Today, s_today));
        var almost = PeriodPicker.ApplyDelay - TimeSpan.FromMilliseconds(1);

        cut.Find("select.stats-period-preset").Change("7d");
        Clock.Advance(almost);
        cut.Find("select.stats-period-preset").Change("mtd");
        Clock.Advance(almost);
        Assert.Empty(navigations);

        Clock.Advance(TimeSpan.FromMilliseconds(1));

        cut.WaitForAssertion(() => Assert.Equal(["mtd"], navigations.Select(u => QueryValue(u, "period"))));
    }

    [Fact]
    public void EnterAppliesTheChoiceAtOnce()
    {
        Navigation.NavigateTo("/records?period=30d&interval=day");
        var cut = Render<PeriodPicker>(p => p.Add(c => c.Value, PanelPeriod.Default).Add(c => c.Today, s_today));

        cut.Find("select.stats-period-preset").Change("last-year");
        cut.Find("select.stats-period-preset").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        Assert.Equal("last-year", QueryValue(Navigation.Uri, "period"));
    }

    [Fact]
    public void ACustomRangeIsAppliedOnlyOnceBothDatesAreChosenAndReplacesThePreset()
    {
        Navigation.NavigateTo("/records?period=30d&interval=day");
        var cut = Render<PeriodPicker>(p => p.Add(c => c.Value, PanelPeriod.Default).Add(c => c.Today, s_today));

        cut.Find("select.stats-period-preset").Change("custom");
        Assert.EndsWith("?period=30d&interval=day", Navigation.Uri, StringComparison.Ordinal);
        cut.Find("input.stats-period-from").Change("2025-01-01");
        cut.Find("input.stats-period-to").Change("2025-03-31");
        cut.Find(".stats-period-apply").Click();

        Assert.EndsWith("/records?interval=day&from=2025-01-01&to=2025-03-31", Navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void AReversedCustomRangeCannotBeApplied()
    {
        var cut = Render<PeriodPicker>(p => p.Add(c => c.Value, PanelPeriod.Default).Add(c => c.Today, s_today));

        cut.Find("select.stats-period-preset").Change("custom");
        cut.Find("input.stats-period-from").Change("2025-03-31");
        cut.Find("input.stats-period-to").Change("2025-01-01");

        Assert.True(cut.Find(".stats-period-apply").HasAttribute("disabled"));
    }

    [Fact]
    public void EveryControlHasALabel()
    {
        var cut = Render<PeriodPicker>(p => p.Add(c => c.Value, PanelPeriod.Between(new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 31))).Add(c => c.Today, s_today));

        foreach (var control in cut.FindAll("select, input"))
        {
            Assert.NotNull(cut.Find($"label[for='{control.Id}']"));
        }

        Assert.Equal(Histograms.Name(Interval.Day), cut.Find("select.stats-period-interval").GetAttribute("value"));
    }

    private static string? QueryValue(string uri, string key) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(uri).Query).TryGetValue(key, out var value) ? value.ToString() : null;
}
