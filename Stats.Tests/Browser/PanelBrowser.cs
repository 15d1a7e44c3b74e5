using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>What the panels' browser tests do on every panel: wait for charts, read headline numbers, export CSV, ask the API.</summary>
public static class PanelBrowser
{
    public static readonly LocatorAssertionsToBeAttachedOptions Patient = new() { Timeout = 30_000 };

    /// <summary>
    /// Does what moves a panel to another URL (a click, a choice), and waits until the URL is there: committed, not loaded, since
    /// the circuit pushes the URL and no document loads. On a loaded machine the answer can be slow, and an event can reach the
    /// page while the circuit re-renders what was clicked and be dropped, as a user's click would be. Like a user, the test then
    /// does it again (the actions are idempotent; one whose target is gone means the navigation is under way), up to three times
    /// in a minute and a half.
    /// </summary>
    public static async Task NavigateByAsync(IPage page, Func<Task> act, Func<string, bool> arrived)
    {
        await act();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.WaitForURLAsync(arrived, new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit, Timeout = 30_000 });
                return;
            }
            catch (TimeoutException ex) when (attempt == 3)
            {
                throw new TimeoutException($"The panel did not navigate: the page is at {page.Url}, showing \"{await page.TitleAsync()}\".", ex);
            }
            catch (TimeoutException)
            {
            }

            page.SetDefaultTimeout(5_000);
            try
            {
                await act();
            }
            catch (TimeoutException)
            {
            }
            finally
            {
                page.SetDefaultTimeout(30_000); // Playwright's default
            }
        }
    }

    /// <summary>
    /// Does something idempotent that the circuit answers (a hover) until what it should bring is there: like an in-app navigation
    /// (<see cref="NavigateByAsync"/>), an event may be dropped while the circuit re-renders on a loaded machine. Three tries.
    /// </summary>
    public static async Task ActUntilAsync(Func<Task> act, Func<Task> expect)
    {
        for (var attempt = 1; ; attempt++)
        {
            await act();
            try
            {
                await expect();
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Opens a panel and collects the console's errors.</summary>
    public static async Task<List<string>> OpenAsync(IPage page, Uri address)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        await page.GotoAsync(address.ToString());
        return errors;
    }

    /// <summary>
    /// Waits until no finite CSS animation or transition runs (a menu fading in, colours fading to a new theme): what a screenshot
    /// or a colour contrast check must not catch half-way. Looping ones (spinners, skeletons) never end and are left out.
    /// </summary>
    public static Task WaitForAnimationsToEndAsync(IPage page) =>
        page.WaitForFunctionAsync(
            "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)",
            null, new PageWaitForFunctionOptions { Timeout = 10_000 });

    /// <summary>Waits until ApexCharts drew the chart of a card: its series paths are in the SVG.</summary>
    public static async Task ExpectChartDrawnAsync(IPage page, string chartId)
    {
        var paths = page.Locator($"[data-chart-id='{chartId}'] svg .apexcharts-series path");
        await Assertions.Expect(paths.First).ToBeAttachedAsync(Patient);
        Assert.True(await paths.CountAsync() > 0);
    }

    public static async Task<string> HeadlineAsync(IPage page, string key) =>
        (await page.Locator($"[data-headline='{key}'] .stats-headline-value").InnerTextAsync()).Trim();

    /// <summary>Clicks an export button and returns the downloaded file's text (without the byte order mark).</summary>
    public static async Task<(string FileName, string Text)> DownloadAsync(IPage page, ILocator button)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => button.ClickAsync());
        var path = await download.PathAsync();
        var text = (await File.ReadAllTextAsync(path)).TrimStart('\uFEFF');
        return (download.SuggestedFilename, text);
    }

    /// <summary>
    /// Signs the page's browser context in through the Development sign-in, as `dotnet run` offers it: the demo user's button on
    /// /account/sign-in, then back on the overview with the user's name in the account menu.
    /// </summary>
    public static async Task SignInAsync(IPage page, Uri baseAddress, string demoUserName)
    {
        await page.GotoAsync(new Uri(baseAddress, "/account/sign-in?returnUrl=/").ToString());
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"Sign in as {demoUserName}" }).ClickAsync();
        await Assertions.Expect(page.Locator(".stats-account-menu")).ToContainTextAsync(demoUserName, new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
    }

    /// <summary>Rows of a CSV the panels write (no quoted line breaks in these tests).</summary>
    public static List<string[]> ParseCsv(string text) =>
        [.. text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(','))];

    /// <summary>One query of <c>POST /api/stats</c>.</summary>
    public static async Task<JsonElement> QueryAsync(Uri baseAddress, string stat, IReadOnlyDictionary<string, string> parameters, string? apiKey = null)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var response = await client.PostAsJsonAsync("/api/stats", new Dictionary<string, object> { ["q"] = new { stat, @params = parameters } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/stats {stat}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("q").Clone();
    }

    /// <summary>A histogram of the API as the chart CSV's rows: date, then the named properties.</summary>
    public static List<string[]> HistogramRows(JsonElement histogram, params string[] properties) =>
    [
        .. histogram.GetProperty("buckets").EnumerateArray().Select(b => (string[])
        [
            b.GetProperty("date").GetString()![..10],
            .. properties.Select(p => b.GetProperty(p).GetInt64().ToString(CultureInfo.InvariantCulture)),
        ]),
    ];

    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
