using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Layout;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Components.Layout;

/// <summary>The app bar's search: records by id or title, communities by id or name, owners by id; only what the viewer may open.</summary>
public sealed class SearchBoxTests : DashboardTestContext
{
    private static CancellationToken Cancellation => Xunit.TestContext.Current.CancellationToken;

    private async Task<TestStore> CatalogAsync(IAccessPolicy? policy = null)
    {
        var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using (var context = store.CreateContext())
        {
            var geo = new Community { ExternalId = "geo", Name = "Lake and River Geosciences" };
            context.Records.AddRange(
                new Stats.Core.Data.Record { ExternalId = "lake-1", Title = "Lake sediments of Geneva", OwnerId = "lakeowner", Communities = [geo] },
                new Stats.Core.Data.Record { ExternalId = "r-2", Title = "Secret LAKE survey", OwnerId = "user-9" },
                new Stats.Core.Data.Record { ExternalId = "r-3", Title = "Deleted lake data", DeletedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
                new Stats.Core.Data.Record { ExternalId = "r-4", Title = "Mountains" });
            await context.SaveChangesAsync(Cancellation);
        }

        Services.AddSingleton<ISiteSearch>(new SiteSearch(store.Contexts, policy ?? Policy));
        return store;
    }

    [Fact]
    public async Task FindsRecordsByTitleCommunitiesByNameAndOwnersByIdIgnoringCase()
    {
        await using var store = await CatalogAsync();
        var cut = Render<SearchBox>();

        var hits = await cut.InvokeAsync(() => cut.Instance.SearchAsync("lake", Cancellation));

        Assert.Equal(
            [
                (SearchHitKind.Record, "lake-1", "Lake sediments of Geneva"),
                (SearchHitKind.Record, "r-2", "Secret LAKE survey"),
                (SearchHitKind.Community, "geo", "Lake and River Geosciences"),
                (SearchHitKind.Owner, "lakeowner", null),
            ],
            hits.Select(h => (h.Kind, h.Id, h.Name)));
    }

    [Fact]
    public async Task ARecordTheViewerMayNotOpenIsLeftOutWithItsTitle()
    {
        await using var store = await CatalogAsync(new RestrictedRecord("r-2", Policy));
        var cut = Render<SearchBox>();

        var hits = (await cut.InvokeAsync(() => cut.Instance.SearchAsync("secret", Cancellation))).ToList();
        var lakes = (await cut.InvokeAsync(() => cut.Instance.SearchAsync("lake", Cancellation))).ToList();

        Assert.Empty(hits);
        Assert.DoesNotContain(lakes, h => h.Id == "r-2" || h.Name == "Secret LAKE survey");
        Assert.Contains(lakes, h => h.Id == "lake-1");
    }

    [Fact]
    public void EveryButtonOfTheSearchBoxHasANameScreenReadersRead()
    {
        var cut = Render<SearchBox>();

        var buttons = cut.FindAll("button");

        Assert.NotEmpty(buttons);
        Assert.All(buttons, b => Assert.False(string.IsNullOrWhiteSpace(b.GetAttribute("aria-label") ?? b.TextContent), b.OuterHtml));
    }

    [Fact]
    public void EachHitOpensItsPanel()
    {
        Assert.Equal("/records/lake-1", SearchBox.PanelOf(new SearchHit(SearchHitKind.Record, "lake-1", null)));
        Assert.Equal("/communities/geo", SearchBox.PanelOf(new SearchHit(SearchHitKind.Community, "geo", "Geo")));
        Assert.Equal("/users/user%2F9", SearchBox.PanelOf(new SearchHit(SearchHitKind.Owner, "user/9", null)));
    }

    /// <summary>The rules of a repository with one restricted record: its usage is for admins only.</summary>
    private sealed class RestrictedRecord(string recid, IAccessPolicy others) : IAccessPolicy
    {
        public Task<AccessDecision> DecideAsync(StatsViewer viewer, StatFamily family, StatTarget target, CancellationToken cancellationToken = default) =>
            target == new StatTarget(StatSubject.Record, recid) && !viewer.IsAdmin
                ? Task.FromResult(viewer.IsSignedIn ? AccessDecision.Forbidden : AccessDecision.SignInRequired)
                : others.DecideAsync(viewer, family, target, cancellationToken);
    }
}
