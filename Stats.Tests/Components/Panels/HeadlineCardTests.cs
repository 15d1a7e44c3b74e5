using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Stats.Dashboard.Components.Panels;

namespace Stats.Tests.Components.Panels;

public sealed class HeadlineCardTests : DashboardTestContext
{
    [Fact]
    public void ShowsTheValueTheChangeInPercentAndAnUpArrow()
    {
        var cut = Render<HeadlineCard>(p => p
            .Add(c => c.Key, "views").Add(c => c.Label, "Views").Add(c => c.Value, 1500).Add(c => c.Previous, 1200)
            .Add(c => c.Explanation, "Every view counts."));

        Assert.Equal("1,500", cut.Find(".stats-headline-value").TextContent.Trim());
        Assert.Contains("+25 %", cut.Find(".stats-headline-delta").TextContent, StringComparison.Ordinal);
        Assert.Contains("stats-delta-up", cut.Find(".stats-headline-delta").ClassName, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/records?period=year", "vs 1,200 in 1 Jan – 25 Nov 2025")]
    [InlineData("/records?period=last-month", "vs 1,200 in 1 Sep – 30 Sep 2026")]
    [InlineData("/records?from=2026-11-01&to=2026-11-10", "vs 1,200 in 22 Oct – 31 Oct 2026")]
    public void TheComparisonNamesTheDaysItComparesWith(string url, string expected)
    {
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo(url);

        var cut = Render<HeadlineCard>(p => p
            .Add(c => c.Key, "views").Add(c => c.Label, "Views").Add(c => c.Value, 1500).Add(c => c.Previous, 1200)
            .Add(c => c.Explanation, "Every view counts."));

        Assert.Equal(expected, cut.Find(".stats-headline-compared").TextContent.Trim());
    }

    [Fact]
    public void TheComparedDaysFollowANewPeriodEvenWhenTheNumbersStayTheSame()
    {
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo("/records?period=30d");
        var cut = Render<HeadlineCard>(p => p
            .Add(c => c.Key, "views").Add(c => c.Label, "Views").Add(c => c.Value, 9).Add(c => c.Previous, 0)
            .Add(c => c.Explanation, "Every view counts."));
        Assert.Equal("vs 0 in 27 Sep – 26 Oct 2026", cut.Find(".stats-headline-compared").TextContent.Trim());

        navigation.NavigateTo("/records?period=12m");

        cut.WaitForAssertion(() => Assert.Equal("vs 0 in 26 Nov 2024 – 25 Nov 2025", cut.Find(".stats-headline-compared").TextContent.Trim()));
    }

    [Fact]
    public void AFallIsADownArrowAndBytesAreWrittenWithTheirUnit()
    {
        var cut = Render<HeadlineCard>(p => p
            .Add(c => c.Key, "volume").Add(c => c.Label, "Data volume").Add(c => c.Value, 1_500_000).Add(c => c.Previous, 3_000_000)
            .Add(c => c.Unit, NumberUnit.Bytes).Add(c => c.Explanation, "Bytes downloaded."));

        Assert.Equal("1.5 MB", cut.Find(".stats-headline-value").TextContent.Trim());
        Assert.Contains("−50 %", cut.Find(".stats-headline-delta").TextContent, StringComparison.Ordinal);
        Assert.Contains("stats-delta-down", cut.Find(".stats-headline-delta").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAPreviousPeriodItSaysThereIsNothingToCompareWith()
    {
        var cut = Render<HeadlineCard>(p => p.Add(c => c.Key, "views").Add(c => c.Label, "Views").Add(c => c.Value, 3).Add(c => c.Explanation, "x"));

        Assert.Contains("No previous period", cut.Find(".stats-headline-delta").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHelpButtonNamesWhatTheNumberCountsForScreenReaders()
    {
        var cut = Render<HeadlineCard>(p => p
            .Add(c => c.Key, "unique-downloads").Add(c => c.Label, "Unique downloads").Add(c => c.Value, 3)
            .Add(c => c.Explanation, "One per session and record."));

        Assert.Contains("One per session and record.", cut.Find(".stats-headline-help").GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public void WhenLowerIsBetterARiseKeepsItsArrowAndIsMarkedAsBadNews()
    {
        var cut = Render<HeadlineCard>(p => p.Add(c => c.Key, "failed").Add(c => c.Label, "Failed SIPs").Add(c => c.Value, 6L)
            .Add(c => c.Previous, 3L).Add(c => c.Explanation, "Failures.").Add(c => c.LowerIsBetter, true));

        var delta = cut.Find(".stats-headline-delta");
        Assert.Contains("stats-delta-up", delta.ClassList);
        Assert.Contains("stats-delta-lower-is-better", delta.ClassList);
        Assert.Contains("+100 %", delta.TextContent);
    }
}
