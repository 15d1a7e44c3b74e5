using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core;

public static class StoreServiceCollectionExtensions
{
    /// <summary>Registers the store on the configured provider and the event types it accepts, validated at start.</summary>
    public static IHostApplicationBuilder AddStatsStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddSingleton(sp => StatsDbContextFactory.FromOptions(
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, contentRoot, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<IDbContextFactory<StatsDbContext>>(sp => sp.GetRequiredService<StatsDbContextFactory>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StoreMigrator>();
        // Ingestion stores the configured types, the aggregator and the queries count them: one registry for all.
        builder.Services.AddOptions<EventTypeOptions>().BindConfiguration(EventTypeOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EventTypeOptions>, EventTypeOptionsValidator>();
        builder.Services.AddSingleton<EventTypeRegistry>();
        builder.Services.AddSingleton<StoreWriteHealth>();
        return builder;
    }
}
