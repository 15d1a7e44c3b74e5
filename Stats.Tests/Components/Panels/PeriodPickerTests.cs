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

        Assert.EndsWith("/records?period=12m&interval=week", Navigation.Uri, StringComparison.Ordinal);
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
}
