using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Stats.Core.Enrichment;
using Stats.Core.Events;
using Stats.Core.Ingestion;
using Stats.Core.Queries;
using Stats.Core.Retention;

namespace Stats.Core;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>Registers enrichment (robots, countries, salts), the ingestor and the query services.</summary>
    public static IHostApplicationBuilder AddStatsIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RobotOptions>().BindConfiguration(RobotOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<GeoOptions>().BindConfiguration(GeoOptions.SectionName);
        builder.Services.AddSingleton(sp => UserAgentClassifier.FromOptions(sp.GetRequiredService<IOptions<RobotOptions>>().Value));
        builder.Services.AddSingleton(sp =>
        {
            var path = ReferencePath.Resolve(sp.GetRequiredService<IOptions<GeoOptions>>().Value.DatabasePath);
            return new CountryResolver(File.Exists(path) ? path : null);
        });
        builder.Services.AddSingleton(sp =>
        {
            var files = sp.GetRequiredService<IOptions<GeoOptions>>().Value.AsnDatabaseFiles();
            return files.Count == 0 ? new AsnResolver() : new AsnResolver(files);
        });
        builder.Services.AddSingleton(sp => new VisitorSources(
            sp.GetRequiredService<AsnResolver>(), sp.GetRequiredService<IOptions<PrivacyOptions>>().Value.KeepVisitorSources));
        builder.Services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.SectionName);
        builder.Services.AddSingleton<DailySaltStore>();
        builder.Services.AddHostedService<SaltSweeper>();
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.SectionName);
        // Ingestion rejects events older than the retention horizon, so the settings are bound here, not only with the purger.
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        builder.Services.AddSingleton<EventWriter>();
        builder.Services.AddSingleton<EventIngestor>();
        builder.Services.AddSingleton<Import.ImportRuns>();
        builder.Services.AddSingleton<IOverviewQueries, OverviewQueries>();
        builder.Services.AddSingleton<Investigation.InvestigationQueries>();
        builder.Services.AddSingleton<Investigation.IInvestigationQueries>(sp => sp.GetRequiredService<Investigation.InvestigationQueries>());
        builder.Services.AddSingleton<Investigation.AuditQueries>();
        builder.Services.AddSingleton<Access.ApiKeyService>();
        return builder;
    }
}
