using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Stats.Core.Reports.OpenAire;

/// <summary>Exports pending days at start and then every <see cref="OpenAireOptions.Interval"/>, when <c>Stats:OpenAire:Enabled</c>.</summary>
public sealed class OpenAireExportService(
    OpenAireExporter exporter,
    IOptions<OpenAireOptions> options,
    TimeProvider clock,
    ILogger<OpenAireExportService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            logger.LogInformation("OpenAIRE export is disabled on this instance (Stats:OpenAire:Enabled).");
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            try
            {
                var report = await exporter.ExportPendingAsync(stoppingToken);
                if (report.Days.Count > 0)
                {
                    logger.LogInformation(
                        "OpenAIRE export: {Days} day(s), {Requests} request(s) sent.", report.Days.Count, report.Days.Sum(d => d.Sent));
                }

                if (report.Error is not null)
                {
                    logger.LogWarning("OpenAIRE export stopped, the next run tries again: {Error}", report.Error);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("OpenAIRE export could not run: {Error}", ex.GetType().Name + ": " + ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
