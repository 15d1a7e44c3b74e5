using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Aggregation;
using Stats.Core.Import;
using Stats.Core.Queries;
using Stats.Core.Sources.Amqp;
using Stats.Core.Sources.Catalog;
using Stats.Dashboard.Components.Pages.Help;
using Stats.Dashboard.Components.Pages.Overview;

namespace Stats.Tests.Components.Pages;

/// <summary>The Overview of a store without statistics: a getting-started checklist for admins, a plain note for everyone else.</summary>
public sealed class FirstRunTests : DashboardTestContext
{
    private static readonly DateTime s_now = Now.UtcDateTime;

    private readonly FakeSetupProgress _progress = new();

    public FirstRunTests()
    {
        Services.AddSingleton<ISetupProgress>(_progress);
    }

    [Fact]
    public void AnAdminOnAFreshStoreSeesEveryStepToDoAndTheOptionalFeaturesAsNotConfigured()
    {
        SignIn("admin-1", "Admin", "admin");

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal(6, cut.FindAll(".stats-checklist-step").Count));
        Assert.Equal("to-do", StateOf(cut, "ingest-key"));
        Assert.Equal("to-do", StateOf(cut, "events"));
        Assert.Equal("optional", StateOf(cut, "queue"));
        Assert.Contains("not configured (optional)", DetailOf(cut, "queue"), StringComparison.Ordinal);
        Assert.Equal("optional", StateOf(cut, "catalog"));
        Assert.Contains("not configured (optional)", DetailOf(cut, "catalog"), StringComparison.Ordinal);
        Assert.Equal("optional", StateOf(cut, "history"));
        Assert.Equal("to-do", StateOf(cut, "aggregation"));
    }

    [Fact]
    public void TheStepsFollowTheLiveStateOfKeysEventsQueueCatalogImportsAndAggregation()
    {
        _progress.State = _progress.State with
        {
            IngestKeys = 1,
            LastEventAt = s_now.AddMinutes(-3),
            Imports = [new ImportRunSummary(7, s_now.AddHours(-2), s_now.AddHours(-1), "invenio-aggregates", ["views.json.gz"], 10, 9, 0, 1, 0, 0, null)],
            Pipeline = FakeSetupProgress.Pipeline(
                queue: new QueueSourceStatus("broker:5672", "stats", Connected: false, null, "connection refused", s_now, 0, 0, 0, 0, null),
                catalog: [Source("zenodo", lastSuccess: s_now.AddHours(-1), failures: 0), Source("rdm", lastSuccess: null, failures: 2, error: "HTTP 503")],
                lastSuccess: new RunSummary(s_now.AddMinutes(-10), s_now.AddMinutes(-9), "host-1", 2, 40, null),
                lastFailure: new RunSummary(s_now.AddMinutes(-1), s_now.AddMinutes(-1), "host-1", 1, 0, "disk full")),
        };
        SignIn("admin-1", "Admin", "admin");

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal("done", StateOf(cut, "ingest-key")));
        Assert.Equal("done", StateOf(cut, "events"));
        Assert.Contains($"{s_now.AddMinutes(-3):yyyy-MM-dd HH:mm} UTC", DetailOf(cut, "events"), StringComparison.Ordinal);
        Assert.Equal("needs-attention", StateOf(cut, "queue"));
        Assert.Contains("connection refused", DetailOf(cut, "queue"), StringComparison.Ordinal);
        Assert.Equal("needs-attention", StateOf(cut, "catalog"));
        Assert.Contains("rdm: HTTP 503", DetailOf(cut, "catalog"), StringComparison.Ordinal);
        Assert.Equal("done", StateOf(cut, "history"));
        Assert.Equal("needs-attention", StateOf(cut, "aggregation"));
        Assert.Contains("disk full", DetailOf(cut, "aggregation"), StringComparison.Ordinal);
    }

    [Fact]
    public void AConnectedQueueAndSyncedSourcesAreDone()
    {
        _progress.State = _progress.State with
        {
            Pipeline = FakeSetupProgress.Pipeline(
                queue: new QueueSourceStatus("broker:5672", "stats", Connected: true, s_now.AddHours(-1), null, null, 0, 0, 0, 0, null),
                catalog: [Source("zenodo", lastSuccess: s_now.AddHours(-1), failures: 0)],
                lastSuccess: new RunSummary(s_now.AddMinutes(-10), s_now.AddMinutes(-9), "host-1", 0, 0, null)),
        };
        SignIn("admin-1", "Admin", "admin");

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal("done", StateOf(cut, "queue")));
        Assert.Equal("done", StateOf(cut, "catalog"));
        Assert.Equal("done", StateOf(cut, "aggregation"));
    }

    [Fact]
    public void EveryStepLinksToASectionThatTheHelpPageRenders()
    {
        SignIn("admin-1", "Admin", "admin");

        var cut = Render<Overview>();

        cut.WaitForAssertion(() => Assert.Equal(6, cut.FindAll(".stats-checklist-help").Count));
        foreach (var link in cut.FindAll(".stats-checklist-help"))
        {
            var href = link.GetAttribute("href")!;
            Assert.StartsWith("/help#", href, StringComparison.Ordinal);
            Assert.Contains($"id=\"{href["/help#".Length..]}\"", ReadmeDocument.Html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("curator:hep")]
    public void VisitorsWhoAreNotAdminsSeeNoStatisticsYetAndNothingOfTheInstallation(string? role)
    {
        if (role is not null)
        {
            SignIn("user-1", "User", role);
        }

        var cut = Render<Overview>();

        Assert.Contains("No statistics yet", cut.Find(".stats-first-run-visitor").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".stats-first-run"));
        Assert.Equal(0, _progress.Calls);
    }

    [Fact]
    public void OnceTheStoreHasStatisticsTheChecklistIsGone()
    {
        Queries.Summary = FakeOverviewQueries.SummaryOf(RepositoryCounts.Zero, totalEvents: 12);
        SignIn("admin-1", "Admin", "admin");

        var cut = Render<Overview>();

        Assert.Empty(cut.FindAll(".stats-first-run"));
        Assert.Equal(0, _progress.Calls);
    }

    private static string StateOf(IRenderedComponent<Overview> cut, string step) =>
        cut.Find($"[data-step={step}]").GetAttribute("data-state")!;

    private static string DetailOf(IRenderedComponent<Overview> cut, string step) =>
        cut.Find($"[data-step={step}] .stats-checklist-detail").TextContent;

    private static CatalogSourceStatus Source(string name, DateTime? lastSuccess, int failures, string? error = null) =>
        new(name, "OaiPmh", "https://example.org/oai", lastSuccess, lastSuccess, lastSuccess, lastSuccess, false, 0, 0, 0, 0, null, error, error is null ? null : s_now, failures, null);

    private sealed class FakeSetupProgress : ISetupProgress
    {
        public SetupState State { get; set; } = new(0, null, [], Pipeline());

        public int Calls { get; private set; }

        public static PipelineStatus Pipeline(
            QueueSourceStatus? queue = null, IReadOnlyList<CatalogSourceStatus>? catalog = null, RunSummary? lastSuccess = null, RunSummary? lastFailure = null) =>
            new(s_now, lastFailure ?? lastSuccess, lastSuccess, lastFailure, new Backlog(0, 0, null, null, null), null, null, 0,
                new PipelineSources(queue, catalog ?? []));

        public Task<SetupState> GetAsync(CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(State);
        }
    }
}
