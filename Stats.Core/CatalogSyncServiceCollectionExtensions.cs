using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Stats.Core.Sources.Catalog;

namespace Stats.Core;

public static class CatalogSyncServiceCollectionExtensions
{
    /// <summary>Registers the catalog sources (<c>Stats:Sources:Catalog</c>), their HTTP client, the runner and its schedule.</summary>
    public static IHostApplicationBuilder AddCatalogSync(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CatalogSyncOptions>()
            .Configure<IConfiguration>((options, configuration) => configuration.GetSection(CatalogSyncOptions.SectionName).Bind(options.Sources))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CatalogSyncOptions>, CatalogSyncOptionsValidator>());
        builder.Services.AddHttpClient(CatalogSyncRunner.HttpClientName, client =>
        {
            client.Timeout = TimeSpan.FromSeconds(100);
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Stats-catalog-sync/1.0");
        });
        builder.Services.AddSingleton<CatalogSyncRunner>();
        builder.Services.AddHostedService<CatalogSyncService>();
        return builder;
    }
}
