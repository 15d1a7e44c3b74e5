using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>
/// The chart and map modules (ApexChart.razor.js, WorldMap.razor.js) in a real browser, with an element whose size the test
/// takes away and gives back, as a slow machine does between a render that removes a drawing and the destroy that follows it,
/// or a hidden container. Drawing at no size writes NaN coordinates, which Chromium reports as console errors.
/// </summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class ChartDrawingTests(DashboardServer server, BrowserSession browser)
{
    private const string Setup = """
        async () => {
          const module = await import(new URL('Components/Charts/ApexChart.razor.js', document.baseURI).href);
          const host = document.createElement('div');
          host.id = 'chart-size-host';
          host.style.width = '600px';
          const element = document.createElement('div');
          element.style.minHeight = '200px';
          host.appendChild(element);
          const options = categories => JSON.stringify({
            chart: { type: 'area', height: 200, animations: { enabled: false } },
            series: [{ name: 'views', data: [1, 3, 2] }],
            xaxis: { categories },
          });
          window.chartSizeTest = { module, host, element, options };
        }
        """;

    private static readonly PageWaitForFunctionOptions s_patient = new() { Timeout = 30_000 };

    [Fact]
    public async Task AChartWhoseElementIsRemovedIsTakenDownAndDrawnAgainWhenItComesBackWithoutDrawingAtNoSize()
    {
        var (page, errors) = await OpenAsync();
        await page.EvaluateAsync("""
            async () => {
              const { module, host, element, options } = window.chartSizeTest;
              document.body.appendChild(host);
              await module.create('chart-size', element, options(['jan', 'feb', 'mar']));
            }
            """);
        await ExpectDrawnAsync(page, "jan", "feb", "mar");

        // Removed, as a render removes a chart whose destroy is still on its way.
        await page.EvaluateAsync("() => window.chartSizeTest.host.remove()");
        await page.WaitForFunctionAsync("() => window.chartSizeTest.element.childElementCount === 0", null, s_patient);
        await page.EvaluateAsync("() => window.chartSizeTest.module.update('chart-size', window.chartSizeTest.options(['apr', 'may', 'jun']))");
        await page.EvaluateAsync("() => document.body.appendChild(window.chartSizeTest.host)");

        await ExpectDrawnAsync(page, "apr", "may", "jun");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AChartCreatedInAHiddenContainerIsDrawnWhenTheContainerIsShown()
    {
        var (page, errors) = await OpenAsync();
        await page.EvaluateAsync("""
            async () => {
              const { module, host, element, options } = window.chartSizeTest;
              host.style.display = 'none';
              document.body.appendChild(host);
              await module.create('chart-size', element, options(['jan', 'feb', 'mar']));
              await module.update('chart-size', options(['jul', 'aug', 'sep']));
            }
            """);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.chartSizeTest.element.childElementCount"));

        await page.EvaluateAsync("() => { window.chartSizeTest.host.style.display = 'block'; }");

        await ExpectDrawnAsync(page, "jul", "aug", "sep");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AMapCreatedInAHiddenContainerIsPaintedWhenTheContainerIsShownWithoutNaNTransforms()
    {
        var (page, errors) = await OpenAsync();
        await page.EvaluateAsync("""
            async () => {
              const module = await import(new URL('Components/Charts/WorldMap.razor.js', document.baseURI).href);
              const host = document.createElement('div');
              host.id = 'map-size-host';
              host.style.width = '600px';
              host.style.display = 'none';
              const element = document.createElement('div');
              element.style.height = '300px';
              host.appendChild(element);
              document.body.appendChild(host);
              const theme = { mode: 'light', emptyFill: '#eeeeee', border: '#ffffff', tooltipBackground: '#ffffff', tooltipText: '#000000' };
              await module.create('map-size', element, JSON.stringify({ theme, fills: { CH: '#ff0000' }, tooltips: {}, emptyTooltip: 'No views' }));
            }
            """);

        await page.EvaluateAsync("() => { document.getElementById('map-size-host').style.display = 'block'; }");

        await Assertions.Expect(page.Locator("#map-size-host [data-value='yes']")).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });
        var transforms = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#map-size-host g[transform]')].map(g => g.getAttribute('transform'))");
        Assert.NotEmpty(transforms);
        Assert.All(transforms, t => Assert.DoesNotMatch("NaN|Infinity", t));
        Assert.Empty(errors);
    }

    private async Task<(IPage Page, List<string> Errors)> OpenAsync()
    {
        var page = await browser.NewPageAsync();
        // A page without charts of its own: the test's chart is the only one.
        await page.GotoAsync(new Uri(server.BaseAddress, "/records/no-such-record").ToString());
        await Assertions.Expect(page.Locator(".stats-empty-state")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        await page.EvaluateAsync(Setup);
        return (page, errors);
    }

    /// <summary>Waits until the chart is drawn with these x-axis categories: with the latest options the module was given.</summary>
    private static async Task ExpectDrawnAsync(IPage page, params string[] categories)
    {
        await Assertions.Expect(page.Locator("#chart-size-host .apexcharts-series path").First).ToBeAttachedAsync(PanelBrowser.Patient);
        await Assertions.Expect(page.Locator("#chart-size-host .apexcharts-xaxis-label")).ToContainTextAsync(categories, new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
    }
}
