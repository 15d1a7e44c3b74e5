using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Annotations;
using Stats.Core.Data;
using Stats.Dashboard.Components.Annotations;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Components.Annotations;

/// <summary>The notes' editor: on the Admin page for admins, on a community's panel for its curators, for nobody else.</summary>
public sealed class AnnotationsSectionTests : DashboardTestContext
{
    private AnnotationStore _notes = default!;

    /// <summary>The editor on the real store (SQLite), replacing the context's fake notes.</summary>
    private async Task<TestStore> UseStoreAsync()
    {
        var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        _notes = new AnnotationStore(store.Contexts, Clock);
        Services.AddSingleton<IAnnotations>(_notes);
        return store;
    }

    [Fact]
    public async Task AnAdminAddsARepositoryNoteThatIsListedAndAudited()
    {
        await using var store = await UseStoreAsync();
        SignIn("admin-1", "Admin", "admin");
        var cut = Render<AnnotationsSection>();

        Fill(cut, from: "2026-11-20", to: "2026-11-21", text: "DOI resolver outage");
        cut.Find("form.stats-annotation-form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("DOI resolver outage", cut.Find(".stats-annotations-list .stats-annotation-note").TextContent));
        var stored = Assert.Single(await _notes.ListAsync(Xunit.TestContext.Current.CancellationToken));
        Assert.Equal((AnnotationScope.Repository, (string?)null, new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 21)), (stored.Scope, stored.Community, stored.From, stored.To));
        Assert.Contains("Admin (admin-1)", cut.Find(".stats-annotation-changes").TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-20,2026-11-21,,DOI resolver outage,Admin (admin-1)", cut.Instance.ToCsv(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACuratorAddsANoteForTheirCommunityOnItsPanel()
    {
        await using var store = await UseStoreAsync();
        SignIn("cur-1", "Curator", "curator:hep");
        var cut = Render<AnnotationsSection>(p => p.Add(c => c.Community, "hep"));

        Fill(cut, from: "2026-11-20", to: "", text: "featured in Nature news");
        cut.Find("form.stats-annotation-form").Submit();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".stats-annotations-list tbody tr")));
        var stored = Assert.Single(await _notes.ListAsync(Xunit.TestContext.Current.CancellationToken));
        Assert.Equal((AnnotationScope.Community, "hep", new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 20)), (stored.Scope, stored.Community, stored.From, stored.To));
        Assert.Empty(cut.FindAll(".stats-annotation-community"));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(null, "hep")]
    [InlineData("", "hep")]
    [InlineData("curator:geo", "hep")]
    [InlineData("curator:hep", null)]
    public async Task NobodyElseSeesTheEditor(string? role, string? community)
    {
        await using var store = await UseStoreAsync();
        if (role is not null)
        {
            SignIn("user-1", "User", role.Length == 0 ? [] : [role]);
        }

        var cut = Render<AnnotationsSection>(p => p.Add(c => c.Community, community));

        Assert.Empty(cut.FindAll(".stats-annotations"));
    }

    [Fact]
    public async Task ARefusedNoteSaysWhyAndKeepsWhatWasTyped()
    {
        await using var store = await UseStoreAsync();
        SignIn("admin-1", "Admin", "admin");
        var cut = Render<AnnotationsSection>();

        Fill(cut, from: "2026-11-20", to: "2026-11-19", text: "outage");
        cut.Find("form.stats-annotation-form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("before it starts", cut.Find(".stats-annotation-problem").TextContent, StringComparison.Ordinal));
        Assert.Equal("outage", cut.Find(".stats-annotation-text input").GetAttribute("value"));
        Assert.Empty(await _notes.ListAsync(Xunit.TestContext.Current.CancellationToken));
    }

    private static void Fill(IRenderedComponent<AnnotationsSection> cut, string from, string to, string text)
    {
        cut.Find(".stats-annotation-from input").Change(from);
        cut.Find(".stats-annotation-to input").Change(to);
        cut.Find(".stats-annotation-text input").Change(text);
    }
}
