using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Data;
using Stats.Dashboard.Auth;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Auth;

/// <summary>Instances on one store share their Data Protection keys: what one protects (a cookie, a token), another reads.</summary>
public sealed class StoreKeyRingTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task WhatOneInstanceProtectsAnotherInstanceOnTheSameStoreReads(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var first = Instance(store);
        await using var second = Instance(store);

        // Both instances start on an empty store, each writes a key of its own, then each reads what the other wrote.
        var fromSecond = Protector(second).Protect("written by the second instance");
        var fromFirst = Protector(first).Protect("written by the first instance");

        Assert.Equal("written by the first instance", Protector(second).Unprotect(fromFirst));
        Assert.Equal("written by the second instance", Protector(first).Unprotect(fromSecond));
        await using var context = store.CreateContext();
        Assert.InRange(await context.DataProtectionKeys.CountAsync(Cancellation), 1, 2);
    }

    [Fact]
    public async Task AnInstanceOnAnotherStoreCannotReadIt()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var other = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var first = Instance(store);
        await using var stranger = Instance(other);

        var protectedText = Protector(first).Protect("secret");

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => Protector(stranger).Unprotect(protectedText));
    }

    private static ServiceProvider Instance(TestStore store)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IDbContextFactory<StatsDbContext>>(store.Contexts);
        services.AddStoreKeyRing();
        return services.BuildServiceProvider();
    }

    private static IDataProtector Protector(IServiceProvider instance) =>
        instance.GetRequiredService<IDataProtectionProvider>().CreateProtector("Stats.Tests.KeyRing");
}
