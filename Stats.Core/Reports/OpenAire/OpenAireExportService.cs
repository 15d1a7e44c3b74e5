using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Stats.Core.Reports.OpenAire;

/// <summary>Exports pending days at start and then every <see cref="OpenAireOptions.Interval"/>, when <c>Stats:OpenAire:Enabled</c>.</summary>
public sealed class OpenAireExportService(
    OpenAireExporter exporter,
    IOptions<OpenAireOptions> options,
    TimeProvider clock,
    ILogger<OpenAireExportService> logger) : PeriodicService(clock, logger)
{
    protected override TimeSpan Interval => options.Value.Interval;

    protected override string FailureMessage => "OpenAIRE export could not run";

    protected override string? OffBecause => options.Value.Enabled ? null : "OpenAIRE export is disabled on this instance (Stats:OpenAire:Enabled).";

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var report = await exporter.ExportPendingAsync(stoppingToken);
        if (report.Days.Count > 0)
        {
            logger.LogInformation("OpenAIRE export: {Days} day(s), {Requests} request(s) sent.", report.Days.Count, report.Days.Sum(d => d.Sent));
        }

        if (report.Error is not null)
        {
            logger.LogWarning("OpenAIRE export stopped, the next run tries again: {Error}", report.Error);
        }
    }
}
