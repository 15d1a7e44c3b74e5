using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Stats.Core.Reports.OpenAire;

namespace Stats.Core;

public static class OpenAireServiceCollectionExtensions
{
    /// <summary>Registers the OpenAIRE exporter, its HTTP client and its background service (which does nothing unless enabled).</summary>
    public static IHostApplicationBuilder AddOpenAireExport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OpenAireOptions>().BindConfiguration(OpenAireOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient(OpenAireExporter.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(100));
        builder.Services.AddSingleton<OpenAireExporter>();
        builder.Services.AddSingleton<OpenAireExportStatus>();
        builder.Services.AddHostedService<OpenAireExportService>();
        return builder;
    }
}
