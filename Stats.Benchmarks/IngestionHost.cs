using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stats.Core;
using Stats.Core.Data;

namespace Stats.Benchmarks;

/// <summary>
/// The product's store and ingestion services on one store, registered exactly as the dashboard registers them
/// (<c>AddStatsStore</c>, <c>AddStatsIngestion</c>) and migrated as the dashboard migrates on start.
/// </summary>
internal sealed class IngestionHost : IAsyncDisposable
{
    private readonly IHost _host;

    private IngestionHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    /// <param name="visitorSources">False turns off the organisation, referrer and agent-family enrichment (issue 15), for the A/B figure.</param>
    public static async Task<IngestionHost> StartAsync(BenchmarkStore store, bool aggregation = false, bool visitorSources = true)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(store.Settings());
        builder.Configuration["Stats:Privacy:KeepVisitorSources"] = visitorSources ? "true" : "false";
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning).AddBenchmarkFilters();
        builder.AddStatsStore();
        builder.AddStatsIngestion();
        if (aggregation)
        {
            // The runner only: the benchmark calls it itself, not on the background schedule.
            builder.Configuration["Stats:Aggregation:Enabled"] = "false";
            builder.AddStatsAggregation();
        }

        var host = builder.Build();
        await host.Services.GetRequiredService<StoreMigrator>().MigrateAsync();
        return new IngestionHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        // Disposing the container stops the event writer after its last commit.
        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
