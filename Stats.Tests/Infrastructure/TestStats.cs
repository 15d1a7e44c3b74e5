using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Events;
using Stats.Core.Queries;

namespace Stats.Tests.Infrastructure;

/// <summary>The stat registry over a test store, with a fake clock, and parameters written as name/value pairs.</summary>
public static class TestStats
{
    /// <summary>"Today" for the queries: 2024-06-20, 09:00 UTC.</summary>
    public static readonly DateTimeOffset Now = new(2024, 6, 20, 9, 0, 0, TimeSpan.Zero);

    /// <param name="types">The event types added by configuration, for the <c>events</c> stats.</param>
    public static StatRegistry Registry(TestStore store, DateTimeOffset? now = null, EventTypeOptions? types = null)
    {
        var clock = new FakeTimeProvider(now ?? Now);
        return new StatRegistry(
            new UsageStats(store.Contexts, clock), new ActivityStats(store.Contexts, clock), new SipStoreStats(store.Contexts, clock),
            new EventStats(store.Contexts, clock, new EventTypeRegistry(Options.Create(types ?? new EventTypeOptions()), store.Contexts)),
            new SourceStats(store.Contexts));
    }

    public static StatParameters Params(params (string Name, string Value)[] values) =>
        new(values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal));

    /// <summary>Runs a stat and casts its answer.</summary>
    public static async Task<T> RunAsync<T>(this StatRegistry registry, string stat, params (string Name, string Value)[] parameters) =>
        Assert.IsType<T>(await registry.RunAsync(stat, Params(parameters), TestContext.Current.CancellationToken));
}
