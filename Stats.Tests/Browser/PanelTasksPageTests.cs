using System.Globalization;
using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>
/// Issue 20's tasks replayed in a browser on the demo data: a curator finds a community's most downloaded record over 12 months
/// in three steps; an owner finds the record that grew most last month in three steps; an admin is asked to confirm a change that widens an audience, and not one that narrows it. Each page passes
/// axe, and is photographed at 1440 and 390 px.
/// </summary>
[Collection(PanelsBrowserGroup.Name)]
public sealed class PanelTasksPageTests(DashboardServer server, BrowserSession browser)
{
    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task SaveBothWidthsAsync(IPage page, string name)
    {
        await page.SetViewportSizeAsync(1440, 900);
        await Screenshots.SaveAsync(page, $"{name}-1440");
        await page.SetViewportSizeAsync(390, 844);
        await Screenshots.SaveAsync(page, $"{name}-390");
        await page.SetViewportSizeAsync(1440, 900);
    }

    /// <summary>Opens a MudSelect by its class and picks the option with this text; the choice has landed when the list closes.</summary>
    private static async Task ChooseAsync(IPage page, string selectClass, string option)
    {
        var options = page.Locator(".mud-popover-open .mud-list-item");
        await PanelBrowser.ActUntilAsync(
            () => page.Locator($".{selectClass}").First.ClickAsync(),
            () => Assertions.Expect(options.First).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 10_000 }));
        await options.GetByText(option, new LocatorGetByTextOptions { Exact = true }).ClickAsync();
        await Assertions.Expect(options).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });
    }

    [Fact]
    public async Task ACuratorFindsTheCommunitysMostDownloadedRecordOverTwelveMonthsInThreeSteps()
    {
        var page = await browser.NewPageAsync(1440, 900);
        await PanelBrowser.SignInAsync(page, server.BaseAddress, "Carl Curator");

        // 1: the community's panel.
        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, "/communities/hep"));
        await Assertions.Expect(page.Locator("[data-table='top-records'] tbody tr").First).ToBeAttachedAsync(PanelBrowser.Patient);

        // 2: the last 12 months.
        await PanelBrowser.NavigateByAsync(page, () => page.Locator("select.stats-period-preset").First.SelectOptionAsync("12m"), url => url.Contains("period=12m", StringComparison.Ordinal));

        // 3: rank by downloads.
        var downloads = page.Locator("[data-table='top-records'] th").Filter(new LocatorFilterOptions { HasText = "Downloads" }).Filter(new LocatorFilterOptions { HasNotText = "Unique" }).Filter(new LocatorFilterOptions { HasNotText = "change" });
        await PanelBrowser.NavigateByAsync(page, () => downloads.Locator("button").ClickAsync(), url => url.Contains("rank=downloads", StringComparison.Ordinal));
        await Assertions.Expect(downloads).ToHaveAttributeAsync("aria-sort", "descending", new LocatorAssertionsToHaveAttributeOptions { Timeout = 30_000 });

        // The first row is the API's most downloaded record of the community over those 12 months.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var top = await PanelBrowser.QueryAsync(server.BaseAddress, "community-top-records", new Dictionary<string, string>
        {
            ["community"] = "hep", ["metric"] = "downloads", ["size"] = "1",
            ["start_date"] = Iso(today.AddMonths(-12).AddDays(1)), ["end_date"] = Iso(today),
        });
        var expected = top.GetProperty("records")[0].GetProperty("recid").GetString()!;
        // The record's title leads the row, its recid under it.
        await Assertions.Expect(page.Locator("[data-table='top-records'] tbody tr").First.Locator("td").First.Locator(".stats-cell-secondary")).ToHaveTextAsync(expected, new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });

        await Axe.AssertNoSeriousViolationsAsync(page);
        await SaveBothWidthsAsync(page, "task-curator-most-downloaded");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AnOwnerFindsTheRecordThatGrewMostLastMonthInThreeSteps()
    {
        var page = await browser.NewPageAsync(1440, 900);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ReducedMotion = ReducedMotion.Reduce });

        // 1: signing in from the start page lands an owner on "My statistics".
        await PanelBrowser.SignInAsync(page, server.BaseAddress, "Olga Owner");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/me", new PageWaitForURLOptions { Timeout = 30_000 });
        var rows = page.Locator("[data-table='user-records-user-001'] tbody tr");
        await Assertions.Expect(rows.First).ToBeAttachedAsync(PanelBrowser.Patient);

        // 2: last month.
        await PanelBrowser.NavigateByAsync(page, () => page.Locator("select.stats-period-preset").First.SelectOptionAsync("last-month"), url => url.Contains("period=last-month", StringComparison.Ordinal));

        // 3: rank by the change in views against the month before.
        var change = page.Locator("[data-table='user-records-user-001'] th").Filter(new LocatorFilterOptions { HasText = "Views change" }).Filter(new LocatorFilterOptions { HasNotText = "%" });
        await PanelBrowser.NavigateByAsync(page, () => change.Locator("button").ClickAsync(), url => url.Contains("rank=views_change", StringComparison.Ordinal));
        await Assertions.Expect(change).ToHaveAttributeAsync("aria-sort", "descending", new LocatorAssertionsToHaveAttributeOptions { Timeout = 30_000 });

        // The first row grew most, by the API's views of each of the owner's records in both months (the owner has fewer than 100).
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var now = await ViewsOfOwnerRecordsAsync(lastMonth, lastMonth.AddMonths(1).AddDays(-1));
        var before = await ViewsOfOwnerRecordsAsync(lastMonth.AddMonths(-1), lastMonth.AddDays(-1));
        var changes = now.Keys.Union(before.Keys).ToDictionary(r => r, r => now.GetValueOrDefault(r) - before.GetValueOrDefault(r));
        var most = changes.Values.Max();
        var first = rows.First.Locator("td");
        await Assertions.Expect(first.Nth(6)).ToHaveTextAsync(Signed(most), new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        Assert.Equal(most, changes[(await first.First.Locator(".stats-cell-secondary").InnerTextAsync()).Trim()]);

        await Axe.AssertNoSeriousViolationsAsync(page);
        await SaveBothWidthsAsync(page, "task-owner-grew-most");
    }

    /// <summary>A change as the tables write it: "+12", "0", "−3" (a minus sign).</summary>
    private static string Signed(long change) => change switch
    {
        > 0 => "+" + change.ToString("N0", CultureInfo.InvariantCulture),
        < 0 => "\u2212" + (-change).ToString("N0", CultureInfo.InvariantCulture),
        _ => "0",
    };

    private async Task<Dictionary<string, long>> ViewsOfOwnerRecordsAsync(DateOnly from, DateOnly to)
    {
        var ranking = await PanelBrowser.QueryAsync(server.BaseAddress, "user-top-records", new Dictionary<string, string>
        {
            ["owner_id"] = "user-001", ["metric"] = "views", ["size"] = "100", ["start_date"] = Iso(from), ["end_date"] = Iso(to),
        });
        return ranking.GetProperty("records").EnumerateArray().ToDictionary(r => r.GetProperty("recid").GetString()!, r => r.GetProperty("value").GetInt64());
    }

    [Fact]
    public async Task AnAdminIsAskedToConfirmWideningAnAudienceAndNotNarrowingIt()
    {
        var page = await browser.NewPageAsync(1440, 900);
        await PanelBrowser.SignInAsync(page, server.BaseAddress, "Ada Admin");
        var errors = await PanelBrowser.OpenAsync(page, new Uri(server.BaseAddress, "/admin"));
        var preview = page.Locator(".stats-rule-change-preview");
        await Assertions.Expect(preview).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });

        // Circulation starts from who may see it now: admins only.
        await ChooseAsync(page, "stats-rule-family", "Circulation");
        await Assertions.Expect(preview).ToContainTextAsync("Admins only (the default) → Admins only: no change");

        // Widening it to everyone asks; cancelling changes nothing.
        await ChooseAsync(page, "stats-rule-audience", "Everyone (public)");
        await page.Locator(".stats-rule-save").ClickAsync();
        var box = page.Locator(".mud-message-box");
        await Assertions.Expect(box).ToContainTextAsync("Admins only → Everyone (public)", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await Axe.AssertNoSeriousViolationsAsync(page);
        await SaveBothWidthsAsync(page, "task-admin-widen-confirm");
        await box.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(box).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".stats-rules tr.stats-rule[data-family='Circulation']")).ToHaveCountAsync(0);

        // Narrowing a community's views and downloads to signed-in users is saved at once, with no question.
        const string Community = "browser-test-narrowing";
        await ChooseAsync(page, "stats-rule-scope", "A community");
        await page.Locator(".stats-rule-scope-id input").FillAsync(Community);
        await page.Locator(".stats-rule-scope-id input").PressAsync("Tab");
        await ChooseAsync(page, "stats-rule-family", "Views and downloads");
        await ChooseAsync(page, "stats-rule-audience", "Signed-in users");
        await page.Locator(".stats-rule-save").ClickAsync();
        var rule = page.Locator($".stats-rules tr.stats-rule[data-scope='Community {Community}']");
        await Assertions.Expect(rule).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });
        await Assertions.Expect(box).ToHaveCountAsync(0);

        // Removing it widens again, so that asks.
        await rule.Locator(".stats-rule-remove").ClickAsync();
        await box.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Widen access" }).ClickAsync(new LocatorClickOptions { Timeout = 30_000 });
        await Assertions.Expect(rule).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });

        Assert.Empty(errors);
    }
}
