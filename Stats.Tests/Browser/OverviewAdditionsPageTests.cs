using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>The Overview's top records and communities in a real browser: they fill from the demo data and lead to the panels.</summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class OverviewAdditionsPageTests(DashboardServer server, BrowserSession browser)
{
    [Fact]
    public async Task TopRecordsAndCommunitiesFillAndATopRecordOpensItsPanel()
    {
        var page = await browser.NewPageAsync();
        // Charts drawn without their entry animation, which axe would read half-drawn.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ReducedMotion = ReducedMotion.Reduce });
        var errors = await PanelBrowser.OpenAsync(page, server.BaseAddress);
        var records = page.Locator("[data-table='overview-top-records'] tbody tr");
        await Assertions.Expect(records.First).ToBeAttachedAsync(PanelBrowser.Patient);
        await Assertions.Expect(page.Locator("[data-table='overview-top-communities'] tbody tr").First).ToBeAttachedAsync(PanelBrowser.Patient);
        await Assertions.Expect(page.Locator(".stats-apexchart .apexcharts-series").First).ToBeAttachedAsync(PanelBrowser.Patient);
        // Anonymous: the pipeline is for admins, and says nothing to others.
        Assert.Equal(0, await page.Locator(".stats-pipeline-health").CountAsync());
        await Axe.AssertNoSeriousViolationsAsync(page);
        await Screenshots.SaveAsync(page, "overview");

        var link = records.First.Locator("a");
        var href = (await link.GetAttributeAsync("href"))!;
        await PanelBrowser.NavigateByAsync(page, () => link.ClickAsync(), url => url.EndsWith(href, StringComparison.Ordinal));
        // The record's panel opens on the Overview's days.
        Assert.EndsWith("?period=30d&interval=day", href, StringComparison.Ordinal);
        await PanelBrowser.ExpectChartDrawnAsync(page, $"record-usage-{href["/records/".Length..href.IndexOf('?', StringComparison.Ordinal)]}");
        Assert.Empty(errors);
    }
}
