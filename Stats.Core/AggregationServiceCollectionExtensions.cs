using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Stats.Core.Aggregation;

namespace Stats.Core;

public static class AggregationServiceCollectionExtensions
{
    /// <summary>Registers the aggregator, its background service, its metrics, the pipeline monitor and the change notifier.</summary>
    public static IHostApplicationBuilder AddStatsAggregation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AggregationOptions>().BindConfiguration(AggregationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // IMeterFactory comes with the host (HostApplicationBuilder registers metrics).
        builder.Services.AddSingleton<AggregationMetrics>();
        builder.Services.AddSingleton<AggregateChangeNotifier>();
        builder.Services.AddSingleton<AggregationRunner>();
        builder.Services.AddSingleton<PipelineMonitor>();
        builder.Services.AddHostedService<AggregationService>();
        builder.Services.AddHostedService<AggregateChangeWatcher>();
        return builder;
    }
}
