using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Access;
using Stats.Core.Annotations;
using Stats.Core.Data;
using Stats.Core.Queries;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Annotations;

public sealed class AnnotationStoreTests
{
    private static readonly DateOnly s_day = new(2026, 11, 10);

    private static readonly StatsViewer s_admin = new(true, "admin-1", "Admin", IsAdmin: true, new HashSet<string>(StringComparer.Ordinal));

    private static readonly StatsViewer s_hepCurator = new(true, "cur-1", "Curator", IsAdmin: false, new HashSet<string>(["hep"], StringComparer.Ordinal));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ARepositoryNoteShowsEverywhereAndACommunityNoteOnItsOwnAndItsRecordsChartsOnly(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using (var context = store.CreateContext())
        {
            var hep = new Community { ExternalId = "hep" };
            var geo = new Community { ExternalId = "geo" };
            context.Records.AddRange(
                new Stats.Core.Data.Record { ExternalId = "r-hep", ParentExternalId = "c-hep", Communities = [hep] },
                new Stats.Core.Data.Record { ExternalId = "r-geo", Communities = [geo] });
            await context.SaveChangesAsync(Cancellation);
        }

        var notes = new AnnotationStore(store.Contexts, new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T12:00:00Z")));
        await notes.AddAsync(s_admin, AnnotationScope.Repository, null, s_day, s_day, "DOI resolver outage", Cancellation);
        await notes.AddAsync(s_hepCurator, AnnotationScope.Community, "hep", s_day.AddDays(2), s_day.AddDays(4), "featured in Nature news", Cancellation);

        Assert.Equal(["DOI resolver outage"], await TextsAsync(StatSubject.Repository, null));
        Assert.Equal(["DOI resolver outage"], await TextsAsync(StatSubject.Owner, "user-1"));
        Assert.Equal(["DOI resolver outage"], await TextsAsync(StatSubject.Community, "geo"));
        Assert.Equal(["DOI resolver outage"], await TextsAsync(StatSubject.Record, "r-geo"));
        Assert.Equal(["DOI resolver outage", "featured in Nature news"], await TextsAsync(StatSubject.Community, "hep"));
        Assert.Equal(["DOI resolver outage", "featured in Nature news"], await TextsAsync(StatSubject.Record, "r-hep"));
        Assert.Equal(["DOI resolver outage", "featured in Nature news"], await TextsAsync(StatSubject.Concept, "c-hep"));
        // A period that ends before the range starts, or starts after it ends, shows none of it.
        Assert.Empty(await notes.ForChartAsync(new StatTarget(StatSubject.Community, "hep"), s_day.AddDays(-5), s_day.AddDays(-1), Cancellation));
        Assert.Equal(["featured in Nature news"],
            (await notes.ForChartAsync(new StatTarget(StatSubject.Community, "hep"), s_day.AddDays(4), s_day.AddDays(30), Cancellation)).Select(n => n.Text));

        async Task<IEnumerable<string>> TextsAsync(StatSubject subject, string? id) =>
            (await notes.ForChartAsync(new StatTarget(subject, id), s_day.AddDays(-30), s_day.AddDays(30), Cancellation)).Select(n => n.Text);
    }

    [Theory, MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AdditionsAndRemovalsAreAuditedWithWhoAndWhen(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T12:00:00Z"));
        var notes = new AnnotationStore(store.Contexts, clock);

        var added = await notes.AddAsync(s_hepCurator, AnnotationScope.Community, "hep", s_day, s_day.AddDays(1), "  harvester loop  ", Cancellation);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await notes.RemoveAsync(s_admin, added.Id, Cancellation));
        Assert.False(await notes.RemoveAsync(s_admin, added.Id, Cancellation));

        Assert.Empty(await notes.ListAsync(Cancellation));
        var changes = await notes.ChangesAsync(cancellationToken: Cancellation);
        Assert.Equal(
            [
                (new DateTime(2026, 11, 25, 12, 5, 0, DateTimeKind.Utc), "Admin (admin-1)", AnnotationAction.Removed, "hep", "harvester loop"),
                (new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc), "Curator (cur-1)", AnnotationAction.Added, "hep", "harvester loop"),
            ],
            changes.Select(c => (c.ChangedAt, c.ChangedBy, c.Action, c.Community!, c.Text)));
        Assert.All(changes, c => Assert.Equal((s_day, s_day.AddDays(1)), (c.From, c.To)));
    }

    [Theory, MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task ACuratorMayNotWriteTheRepositorysNotesNorAnotherCommunitysAndNothingIsStored(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var notes = new AnnotationStore(store.Contexts, TimeProvider.System);
        var admins = await notes.AddAsync(s_admin, AnnotationScope.Community, "geo", s_day, s_day, "geo outage", Cancellation);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => notes.AddAsync(s_hepCurator, AnnotationScope.Repository, null, s_day, s_day, "mine", Cancellation));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => notes.AddAsync(s_hepCurator, AnnotationScope.Community, "geo", s_day, s_day, "mine", Cancellation));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => notes.RemoveAsync(s_hepCurator, admins.Id, Cancellation));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => notes.AddAsync(StatsViewer.Anonymous, AnnotationScope.Community, "hep", s_day, s_day, "mine", Cancellation));

        Assert.Equal(["geo outage"], (await notes.ListAsync(Cancellation)).Select(n => n.Text));
        await using var context = store.CreateContext();
        Assert.Equal(1, await context.AnnotationChanges.CountAsync(Cancellation));
    }

    [Theory]
    [InlineData("", "2026-11-10", "empty")]
    [InlineData("outage", "2026-11-09", "ends (2026-11-09) before it starts (2026-11-10)")]
    [InlineData("tab\there", "2026-11-10", "control character")]
    public async Task ABadNoteIsRefusedWithItsReason(string text, string to, string reason)
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var notes = new AnnotationStore(store.Contexts, TimeProvider.System);

        var refused = await Assert.ThrowsAsync<AnnotationException>(() =>
            notes.AddAsync(s_admin, AnnotationScope.Repository, null, s_day, DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture), text, Cancellation));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await notes.ListAsync(Cancellation));
    }

    [Fact]
    public async Task ANoteLongerThanAChartLabelIsRefused()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var notes = new AnnotationStore(store.Contexts, TimeProvider.System);

        var refused = await Assert.ThrowsAsync<AnnotationException>(() =>
            notes.AddAsync(s_admin, AnnotationScope.Repository, null, s_day, s_day, new string('x', AnnotationStore.MaxTextLength + 1), Cancellation));

        Assert.Contains($"at most {AnnotationStore.MaxTextLength}", refused.Message, StringComparison.Ordinal);
    }
}
