using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Stats.Core.Reports;

namespace Stats.Core;

public static class ReportServiceCollectionExtensions
{
    /// <summary>Registers the COUNTER report builder and its <c>Stats:Sushi</c> settings (validated at start).</summary>
    public static IHostApplicationBuilder AddStatsReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SushiOptions>().BindConfiguration(SushiOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SushiOptions>, SushiOptionsValidator>();
        builder.Services.AddSingleton<CounterReportService>();
        return builder;
    }
}
