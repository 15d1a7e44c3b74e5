using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Access;
using Stats.Dashboard.Components.Access;
using Stats.Dashboard.Components.Pages.Admin;
using Stats.Tests.Infrastructure;
using AdminPage = Stats.Dashboard.Components.Pages.Admin.Admin;

namespace Stats.Tests.Components.Pages;

/// <summary>
/// The Admin page with the dashboard's real services on its SQLite store: what an admin does there is what the API, the pages
/// and the embeds do at once.
/// </summary>
public sealed class AdminPageTests : DashboardTestContext, IClassFixture<SignedInDashboard>
{
    private const string CirculationQuery = """{"c": {"stat": "circulation-summary"}}""";
    private const string UsageQuery = """{"v": {"stat": "record-view", "params": {"recid": "admin-test-1"}}}""";

    private readonly SignedInDashboard _dashboard;

    public AdminPageTests(SignedInDashboard dashboard)
    {
        _dashboard = dashboard;
        Services.AddSingleton(dashboard.Services.GetRequiredService<AccessRuleStore>());
        Services.AddSingleton(dashboard.Services.GetRequiredService<IAccessPolicy>());
        Services.AddSingleton(dashboard.Services.GetRequiredService<ApiKeyService>());
        Services.AddSingleton(dashboard.Services.GetRequiredService<Stats.Core.Aggregation.PipelineMonitor>());
        Services.AddSingleton(dashboard.Services.GetRequiredService<Stats.Core.Reports.CounterReportService>());
        Services.AddSingleton(dashboard.Services.GetRequiredService<Stats.Core.Reports.OpenAire.OpenAireExportStatus>());
        Services.AddSingleton(dashboard.Services.GetRequiredService<Stats.Core.Import.ImportRuns>());
        Services.AddSingleton(dashboard.Services.GetRequiredService<Stats.Core.Investigation.IInvestigationQueries>());
        Services.AddSingleton(dashboard.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Stats.Core.Reports.SushiOptions>>());
        Services.AddSingleton(dashboard.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Stats.Core.Reports.OpenAire.OpenAireOptions>>());
    }

    private static CancellationToken Cancellation => Xunit.TestContext.Current.CancellationToken;

    private async Task<HttpStatusCode> QueryAsync(string body, string? key = null)
    {
        using var client = _dashboard.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await client.PostAsync(new Uri("/api/stats", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);
        return response.StatusCode;
    }

    [Fact]
    public void OnlyAdminsGetTheAdminPage()
    {
        var anonymous = Render<AdminPage>();
        Assert.NotNull(anonymous.Find(".stats-access-sign-in a[href='/account/sign-in?returnUrl=%2F']"));
        Assert.Empty(anonymous.FindAll(".stats-admin"));

        SignIn("curator-1", "curator-1", ViewerClaims.CuratorRolePrefix + "hep");
        var curator = Render<AdminPage>();
        Assert.NotNull(curator.Find(".stats-access-forbidden"));
        Assert.Empty(curator.FindAll(".stats-admin"));
    }

    [Fact]
    public async Task ChangingARuleChangesTheApiAndOpenGatesAtOnceAndIsAudited()
    {
        // An anonymous visitor's open page (a circuit of its own): circulation is behind a sign-in prompt, and so is the API.
        await using var visitor = new Visitor(_dashboard);
        var gate = visitor.Render<AccessGate>(p => p
            .Add(g => g.Family, StatFamily.Circulation)
            .Add(g => g.Target, new StatTarget(StatSubject.Repository, null))
            .Add(g => g.ChildContent, (RenderFragment)(b => b.AddMarkupContent(0, "<p class=\"gated-circulation\">loans</p>"))));
        Assert.NotNull(gate.Find(".stats-access-sign-in"));
        Assert.Equal(HttpStatusCode.Unauthorized, await QueryAsync(CirculationQuery));

        SignIn("alice", "alice", ViewerClaims.AdminRole);
        var rules = RenderAdminPage();
        Assert.Equal(
            ["Pipeline", "Sources", "Access rules", "Notes on the charts", "API keys", "Reports and export", "Imports", "Investigations and audits"],
            rules.FindAll(".stats-admin section h2").Select(h => h.TextContent.Trim()));
        await ChooseAsync(rules, StatFamily.Circulation, Audience.Public);
        await SaveConfirmingAsync(rules);

        Assert.Equal(HttpStatusCode.OK, await QueryAsync(CirculationQuery));
        gate.WaitForAssertion(() => Assert.NotNull(gate.Find(".gated-circulation")));
        rules.WaitForAssertion(() =>
        {
            var rule = rules.Find(".stats-rules tr.stats-rule[data-family='Circulation']");
            Assert.Equal("Everyone (public)", rule.QuerySelector(".stats-rule-audience-value")!.TextContent);
            var change = rules.Find(".stats-rule-changes tr.stats-rule-change");
            Assert.Equal(
                ["alice", "no rule", "Everyone (public)"],
                [change.QuerySelector(".stats-rule-change-by")!.TextContent, change.QuerySelector(".stats-rule-change-before")!.TextContent, change.QuerySelector(".stats-rule-change-after")!.TextContent]);
        });
        await using (var context = await _dashboard.Services.GetRequiredService<IDbContextFactory<StatsDbContext>>().CreateDbContextAsync(Cancellation))
        {
            var stored = await context.AccessRuleChanges.OrderBy(c => c.Id).LastAsync(Cancellation);
            Assert.Equal(("alice", RuleScope.Global, StatFamily.Circulation, (Audience?)null, (Audience?)Audience.Public), (stored.ChangedBy, stored.ScopeKind, stored.Family, stored.Before, stored.After));
        }

        // Removing the rule brings the default back, as fast.
        await rules.Find(".stats-rules tr.stats-rule[data-family='Circulation'] .stats-rule-remove").ClickAsync(new());

        Assert.Equal(HttpStatusCode.Unauthorized, await QueryAsync(CirculationQuery));
        gate.WaitForAssertion(() => Assert.NotNull(gate.Find(".stats-access-sign-in")));
        rules.WaitForAssertion(() => Assert.Equal("no rule", rules.Find(".stats-rule-changes tr.stats-rule-change .stats-rule-change-after").TextContent));
    }

    [Fact]
    public async Task ChoosingAFamilyStartsTheEditorFromWhoMaySeeItNow()
    {
        SignIn("alice", "alice", ViewerClaims.AdminRole);
        var rules = RenderAdminPage();

        await rules.InvokeAsync(() => rules.FindComponent<MudSelect<StatFamily>>().Instance.ValueChanged.InvokeAsync(StatFamily.Circulation));
        Assert.Equal(Audience.AdminsOnly, rules.FindComponent<MudSelect<Audience>>().Instance.GetState(x => x.Value));
        Assert.Equal("Admins only (the default) → Admins only: no change", Preview(rules));
        Assert.Equal("Save rule", rules.Find(".stats-rule-save").TextContent.Trim());

        await rules.InvokeAsync(() => rules.FindComponent<MudSelect<StatFamily>>().Instance.ValueChanged.InvokeAsync(StatFamily.TopUploaders));
        Assert.Equal(Audience.Curators, rules.FindComponent<MudSelect<Audience>>().Instance.GetState(x => x.Value));

        // A community without a rule of its own starts from the whole repository's rule.
        var store = _dashboard.Services.GetRequiredService<AccessRuleStore>();
        await store.SetAsync(RuleTarget.Global, StatFamily.TopUploaders, Audience.SignedIn, "test", Cancellation);
        try
        {
            rules.WaitForAssertion(() => Assert.NotNull(rules.Find(".stats-rules tr.stats-rule[data-family='TopUploaders']")));
            await rules.InvokeAsync(() => rules.FindComponent<MudSelect<RuleScope>>().Instance.ValueChanged.InvokeAsync(RuleScope.Community));
            rules.Find(".stats-rule-scope-id input").Change("hep");
            Assert.Equal(Audience.SignedIn, rules.FindComponent<MudSelect<Audience>>().Instance.GetState(x => x.Value));
            Assert.Equal("Signed-in users (the whole repository's rule) → Signed-in users: no change", Preview(rules));
        }
        finally
        {
            await store.SetAsync(RuleTarget.Global, StatFamily.TopUploaders, null, "test", Cancellation);
        }
    }

    [Fact]
    public async Task WideningAnAudienceAsksForConfirmationAndCancellingChangesNothing()
    {
        SignIn("alice", "alice", ViewerClaims.AdminRole);
        var rules = RenderAdminPage();
        await ChooseAsync(rules, StatFamily.Pipeline, Audience.Public);
        Assert.Equal("Admins only (the default) → Everyone (public): more people may see them", Preview(rules));
        Assert.Equal("Widen access…", rules.Find(".stats-rule-save").TextContent.Trim());

        var saving = rules.Find(".stats-rule-save").ClickAsync(new());
        var box = rules.WaitForElement(".mud-message-box");
        Assert.Contains("Pipeline, Whole repository: Admins only → Everyone (public)", box.TextContent, StringComparison.Ordinal);
        await rules.Find(".mud-message-box button:first-child").ClickAsync(new());
        await saving.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Null((await _dashboard.Services.GetRequiredService<AccessRuleStore>().GetAsync(Cancellation)).Find(StatFamily.Pipeline, RuleScope.Global, ""));
        Assert.Empty(rules.FindAll(".stats-rules tr.stats-rule[data-family='Pipeline']"));
    }

    [Fact]
    public async Task NarrowingAnAudienceIsSavedWithoutConfirmationAndRemovingTheNarrowerRuleAsksForIt()
    {
        SignIn("alice", "alice", ViewerClaims.AdminRole);
        var rules = RenderAdminPage();
        var store = _dashboard.Services.GetRequiredService<AccessRuleStore>();
        await ChooseAsync(rules, StatFamily.Countries, Audience.SignedIn);
        Assert.Equal("Everyone (public) (the default) → Signed-in users: fewer people may see them", Preview(rules));

        await rules.Find(".stats-rule-save").ClickAsync(new());

        Assert.Empty(rules.FindAll(".mud-message-box"));
        Assert.Equal(Audience.SignedIn, (await store.GetAsync(Cancellation)).Find(StatFamily.Countries, RuleScope.Global, ""));

        // Removing it gives the countries back to everyone: that widens, so it is asked too.
        var removing = rules.Find(".stats-rules tr.stats-rule[data-family='Countries'] .stats-rule-remove").ClickAsync(new());
        var box = rules.WaitForElement(".mud-message-box");
        Assert.Contains("Signed-in users → Everyone (public)", box.TextContent, StringComparison.Ordinal);
        await rules.Find(".mud-message-box button:last-child").ClickAsync(new());
        await removing.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Null((await store.GetAsync(Cancellation)).Find(StatFamily.Countries, RuleScope.Global, ""));
    }

    [Fact]
    public async Task ACommunityRuleWithoutACommunityIdIsRefusedBeforeAnyConfirmation()
    {
        SignIn("alice", "alice", ViewerClaims.AdminRole);
        var rules = RenderAdminPage();
        await rules.InvokeAsync(() => rules.FindComponent<MudSelect<RuleScope>>().Instance.ValueChanged.InvokeAsync(RuleScope.Community));
        await ChooseAsync(rules, StatFamily.Circulation, Audience.Public);

        await rules.Find(".stats-rule-save").ClickAsync(new());

        Assert.Empty(rules.FindAll(".mud-message-box"));
        Assert.StartsWith("A community rule needs the community's id", rules.Find(".stats-rule-error").TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyCreatedOnTheAdminPageIsListedAmongTheHarvestersWithoutAReload()
    {
        SignIn("alice", "alice", ViewerClaims.AdminRole);
        var page = RenderAdminPage();
        var name = "harvester " + Guid.NewGuid().ToString("N")[..8];
        Assert.DoesNotContain(name, page.Find(".stats-admin-sushi").TextContent, StringComparison.Ordinal);

        page.Find(".stats-key-name input").Change(name);
        await page.Find(".stats-key-create").ClickAsync(new());
        page.WaitForElement(".stats-key-secret");

        page.WaitForAssertion(() => Assert.Contains(name, page.Find(".stats-sushi-keys").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheNavigationListsAPanelAsSoonAsARuleOpensIt()
    {
        var nav = Render<Stats.Dashboard.Components.Layout.NavMenu>();
        Assert.Empty(nav.FindAll("a[href='/sip-store']"));
        var rules = _dashboard.Services.GetRequiredService<AccessRuleStore>();

        await rules.SetAsync(RuleTarget.Global, StatFamily.SipStore, Audience.Public, "test", Cancellation);
        try
        {
            nav.WaitForAssertion(() => Assert.NotNull(nav.Find("a[href='/sip-store']")));
            Assert.Empty(nav.FindAll("a[href='/admin']"));
        }
        finally
        {
            await rules.SetAsync(RuleTarget.Global, StatFamily.SipStore, null, "test", Cancellation);
        }

        nav.WaitForAssertion(() => Assert.Empty(nav.FindAll("a[href='/sip-store']")));
    }

    [Fact]
    public async Task ANewKeyIsShownOnceStoredHashedAndRefusedAtOnceWhenRevoked()
    {
        var cut = Render(b =>
        {
            b.OpenComponent<MudDialogProvider>(0);
            b.CloseComponent();
            b.OpenComponent<ApiKeysSection>(1);
            b.CloseComponent();
        });

        cut.Find(".stats-key-name input").Change("front end");
        await cut.Find(".stats-key-create").ClickAsync(new());
        var key = cut.WaitForElement(".stats-key-secret input").GetAttribute("value")!;
        var secret = key.Split('_', 3)[2];
        var prefix = key.Split('_', 3)[1];

        Assert.StartsWith("stats_", key, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, cut.Find(".stats-keys").OuterHtml, StringComparison.Ordinal);
        Assert.Contains("front end", cut.Find($".stats-keys tr.stats-key[data-prefix='{prefix}']").TextContent, StringComparison.Ordinal);
        await cut.Find(".stats-key-done").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.DoesNotContain(secret, cut.Markup, StringComparison.Ordinal));

        // A read key reads as a signed-in user by default: usage yes, circulation no (403: a key cannot sign in).
        Assert.Equal(HttpStatusCode.OK, await QueryAsync(UsageQuery, key));
        Assert.Equal(HttpStatusCode.Forbidden, await QueryAsync(CirculationQuery, key));

        // Stored hashed: the secret is nowhere in the database's files, in any encoding the store would use.
        foreach (var (file, bytes) in await StoreFiles.ReadAllAsync(Path.GetDirectoryName(_dashboard.DatabasePath)!))
        {
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"The secret is in {file}");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) < 0, $"The secret is in {file}");
        }

        // The click waits for the confirmation's answer.
        var revoking = cut.Find($".stats-keys tr.stats-key[data-prefix='{prefix}'] .stats-key-revoke").ClickAsync(new());
        var confirm = cut.WaitForElement(".mud-message-box button:last-child");
        Assert.Equal("Revoke", confirm.TextContent.Trim());
        await confirm.ClickAsync(new());
        await revoking.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($".stats-keys tr.stats-key[data-prefix='{prefix}'] .stats-key-revoked")));
        Assert.Equal(HttpStatusCode.Unauthorized, await QueryAsync(UsageQuery, key));
    }

    [Fact]
    public async Task AReadKeyReadsAsTheRoleChosenForIt()
    {
        var keys = _dashboard.Services.GetRequiredService<ApiKeyService>();
        var (_, asPublic) = await keys.CreateAsync("public reader", [ApiScopes.Read], ApiKeyRole.Public, Cancellation);
        var (_, asAdmin) = await keys.CreateAsync("admin reader", [ApiScopes.Read], ApiKeyRole.Admin, Cancellation);
        var (_, ingestOnly) = await keys.CreateAsync("ingest", [ApiScopes.Ingest], null, Cancellation);

        Assert.Equal(HttpStatusCode.OK, await QueryAsync(UsageQuery, asPublic));
        Assert.Equal(HttpStatusCode.Forbidden, await QueryAsync(CirculationQuery, asPublic));
        Assert.Equal(HttpStatusCode.OK, await QueryAsync(CirculationQuery, asAdmin));
        Assert.Equal(HttpStatusCode.Forbidden, await QueryAsync(UsageQuery, ingestOnly));
        Assert.Equal(HttpStatusCode.Unauthorized, await QueryAsync(UsageQuery, "stats_abcdefghij_not-a-key"));
    }

    /// <summary>The Admin page with the dialog provider that the layout gives it in the app.</summary>
    private IRenderedComponent<IComponent> RenderAdminPage() => Render(b =>
    {
        b.OpenComponent<MudDialogProvider>(0);
        b.CloseComponent();
        b.OpenComponent<AdminPage>(1);
        b.CloseComponent();
    });

    private static async Task ChooseAsync(IRenderedComponent<IComponent> page, StatFamily family, Audience audience)
    {
        await page.InvokeAsync(() => page.FindComponent<MudSelect<StatFamily>>().Instance.ValueChanged.InvokeAsync(family));
        await page.InvokeAsync(() => page.FindComponent<MudSelect<Audience>>().Instance.ValueChanged.InvokeAsync(audience));
    }

    /// <summary>Saves a change that widens the audience: the click waits for the confirmation's answer.</summary>
    private static async Task SaveConfirmingAsync(IRenderedComponent<IComponent> page)
    {
        var saving = page.Find(".stats-rule-save").ClickAsync(new());
        var confirm = page.WaitForElement(".mud-message-box button:last-child");
        Assert.Equal("Widen access", confirm.TextContent.Trim());
        await confirm.ClickAsync(new());
        await saving.WaitAsync(TimeSpan.FromSeconds(10), Xunit.TestContext.Current.CancellationToken);
    }

    private static string Preview(IRenderedComponent<IComponent> page) =>
        string.Join(' ', page.Find(".stats-rule-change-preview").TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Replace(" :", ":", StringComparison.Ordinal);

    /// <summary>Another circuit: an anonymous visitor's, on the same dashboard.</summary>
    private sealed class Visitor : DashboardTestContext
    {
        public Visitor(SignedInDashboard dashboard)
        {
            Services.AddSingleton(dashboard.Services.GetRequiredService<AccessRuleStore>());
            Services.AddSingleton(dashboard.Services.GetRequiredService<IAccessPolicy>());
        }
    }
}
