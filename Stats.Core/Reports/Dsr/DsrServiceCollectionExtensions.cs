using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Stats.Core.Reports.Dsr;

namespace Stats.Core;

public static class DsrServiceCollectionExtensions
{
    /// <summary>Registers the Make Data Count dataset report (DSR, release rd1) and its settings.</summary>
    public static IHostApplicationBuilder AddStatsDatasetReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DsrOptions>().BindConfiguration(DsrOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DsrOptions>, DsrOptionsValidator>();
        builder.Services.AddSingleton<DatasetReportBuilder>();
        return builder;
    }
}
