using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>What a first visit downloads: the Overview within 600 KB, compressed, and the chart library only where a chart draws.</summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class FirstLoadTests(DashboardServer server, BrowserSession browser)
{
    private const long Budget = 600 * 1024;

    [Fact]
    public async Task TheOverviewsFirstLoadTransfersAtMost600KilobytesWithItsAssetsCompressed()
    {
        var page = await browser.NewPageAsync();
        var loads = await RecordLoadsAsync(page, async () =>
        {
            await page.GotoAsync(server.BaseAddress.ToString());
            await Assertions.Expect(page.Locator(".stats-apexchart .apexcharts-series").First).ToBeAttachedAsync(PanelBrowser.Patient);
        });

        var total = loads.Sum(l => l.Bytes);
        var report = string.Join("\n", loads.OrderByDescending(l => l.Bytes).Select(l => $"{l.Bytes,9:N0}  {l.Encoding,-5} {l.Url}"));
        TestContext.Current.SendDiagnosticMessage($"Overview first load: {total:N0} bytes\n{report}");
        Assert.True(total <= Budget, $"The Overview's first load transferred {total:N0} bytes (budget {Budget:N0}):\n{report}");
        Assert.All(
            loads.Where(l => l.Url.EndsWith(".js", StringComparison.Ordinal) || l.Url.EndsWith(".css", StringComparison.Ordinal)),
            l => Assert.True(l.Encoding is "br" or "gzip", $"{l.Url} came uncompressed"));
        // Compressed in earnest: a gzip wrapper without compression (what ASP.NET re-sends for a file changed since the
        // build) weighs what the file weighs.
        Assert.All(loads.Where(l => l.Url.Contains("apexcharts.min.js", StringComparison.Ordinal)), l => Assert.True(l.Bytes < 400 * 1024, $"{l.Url}: {l.Bytes:N0} bytes"));
        Assert.Contains(loads, l => l.Url.Contains("apexcharts.min", StringComparison.Ordinal));
    }

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
