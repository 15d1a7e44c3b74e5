using Microsoft.Extensions.Time.Testing;
using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Access;

public sealed class ApiKeyServiceTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LastUseIsWrittenAtMostOnceAMinutePerKey()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var keys = new ApiKeyService(store.Contexts, clock);
        var (_, key) = await keys.CreateAsync("harvester", [ApiScopes.Read], Cancellation);
        Assert.Null((await keys.ListAsync(Cancellation)).Single().LastUsedAt);

        await keys.VerifyAsync(key, Cancellation);
        var first = clock.GetUtcNow().UtcDateTime;
        clock.Advance(TimeSpan.FromSeconds(40));
        await keys.VerifyAsync(key, Cancellation);
        Assert.Equal(first, (await keys.ListAsync(Cancellation)).Single().LastUsedAt);

        clock.Advance(TimeSpan.FromSeconds(30));
        await keys.VerifyAsync(key, Cancellation);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, (await keys.ListAsync(Cancellation)).Single().LastUsedAt);
    }

    [Fact]
    public async Task AKeyReadsAsTheConfiguredRoleUnlessItsCreatorChoseOne()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var keys = new ApiKeyService(store.Contexts, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new AccessOptions { ApiKeyReadsAs = ApiKeyRole.Public }));

        var (byDefault, _) = await keys.CreateAsync("a", [ApiScopes.Read], Cancellation);
        var (chosen, chosenKey) = await keys.CreateAsync("b", [ApiScopes.Read], ApiKeyRole.Admin, Cancellation);

        Assert.Equal(ApiKeyRole.Public, byDefault.ReadsAs);
        Assert.Equal(ApiKeyRole.Admin, chosen.ReadsAs);
        Assert.True((await keys.VerifyAsync(chosenKey, Cancellation))!.Viewer!.IsAdmin);
    }
}
