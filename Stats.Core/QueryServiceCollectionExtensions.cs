using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Stats.Core.Access;
using Stats.Core.Queries;

namespace Stats.Core;

public static class QueryServiceCollectionExtensions
{
    /// <summary>
    /// Registers the stats the query API answers (read from the daily aggregates and the catalog), their registry, and who may
    /// see them: the access rules and the one policy that applies them (ADR-009).
    /// </summary>
    public static IHostApplicationBuilder AddStatsQueries(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PeriodSums>();
        builder.Services.AddSingleton<UsageStats>();
        builder.Services.AddSingleton<IUsageStats>(services => services.GetRequiredService<UsageStats>());
        builder.Services.AddSingleton<IEmbedStats, EmbedStats>();
        builder.Services.AddSingleton<ActivityStats>();
        builder.Services.AddSingleton<IActivityStats>(services => services.GetRequiredService<ActivityStats>());
        builder.Services.AddSingleton<SipStoreStats>();
        builder.Services.AddSingleton<ISipStoreStats>(services => services.GetRequiredService<SipStoreStats>());
        builder.Services.AddSingleton<EventStats>();
        builder.Services.AddSingleton<SourceStats>();
        builder.Services.AddSingleton<ISourceStats>(services => services.GetRequiredService<SourceStats>());
        builder.Services.AddSingleton<StatRegistry>();
        builder.Services.AddSingleton<ISetupProgress, SetupProgress>();
        builder.Services.AddSingleton<ISiteSearch, SiteSearch>();
        builder.Services.AddSingleton<Annotations.IAnnotations, Annotations.AnnotationStore>();
        builder.Services.AddOptions<QueryLimits>().BindConfiguration(QueryLimits.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AccessRuleStore>();
        builder.Services.AddSingleton(sp => new AccessPolicy(
            sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.StatsDbContext>>(), sp.GetRequiredService<AccessRuleStore>()));
        builder.Services.AddSingleton<IAccessPolicy>(sp => sp.GetRequiredService<AccessPolicy>());
        return builder;
    }
}
