using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>What a first visit downloads: the chart library only where a chart draws.</summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class FirstLoadTests(DashboardServer server, BrowserSession browser)
{
    [Fact]
    public async Task APageWithoutAChartDoesNotLoadTheChartLibrary()
    {
        var page = await browser.NewPageAsync();
        var loads = await RecordLoadsAsync(page, async () =>
        {
            await page.GotoAsync(new Uri(server.BaseAddress, "/account/sign-in?returnUrl=/").ToString());
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        });

        Assert.DoesNotContain(loads, l => l.Url.Contains("apexcharts", StringComparison.Ordinal));
    }

    private static async Task<List<(string Url, long Bytes, string Encoding)>> RecordLoadsAsync(IPage page, Func<Task> visit)
    {
        var finished = new List<IRequest>();
        page.RequestFinished += (_, request) =>
        {
            lock (finished)
            {
                finished.Add(request);
            }
        };
        await visit();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var loads = new List<(string, long, string)>();
        foreach (var request in finished.ToList())
        {
            var sizes = await request.SizesAsync();
            var response = await request.ResponseAsync();
            var encoding = response is null ? "" : await response.HeaderValueAsync("content-encoding") ?? "";
            // Chromium reports the decoded body size; the bytes on the wire are the Content-Length of the encoded body.
            var length = response is null ? null : await response.HeaderValueAsync("content-length");
            var body = long.TryParse(length, out var encoded) ? encoded : sizes.ResponseBodySize;
            loads.Add((request.Url, body + sizes.ResponseHeadersSize, encoding));
        }

        return loads;
    }
}
