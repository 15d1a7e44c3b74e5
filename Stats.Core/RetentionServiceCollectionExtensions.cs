using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Stats.Core.Retention;

namespace Stats.Core;

public static class RetentionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the purger and its background run, the job that makes raw-event partitions ahead (PostgreSQL), and user
    /// erasure (ingestion registers the retention settings it shares).
    /// </summary>
    public static IHostApplicationBuilder AddStatsRetention(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RawEventPurger>();
        builder.Services.AddHostedService<RawEventPurgeService>();
        builder.Services.AddHostedService<RawEventPartitionService>();
        builder.Services.AddSingleton<UserErasure>();
        return builder;
    }
}
