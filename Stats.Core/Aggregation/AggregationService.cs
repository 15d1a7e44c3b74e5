using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Stats.Core.Aggregation;

/// <summary>Runs the aggregator at start and then every <see cref="AggregationOptions.Interval"/>, on every instance that enables it.</summary>
public sealed class AggregationService(
    AggregationRunner runner,
    PipelineMonitor monitor,
    IOptions<AggregationOptions> options,
    TimeProvider clock,
    ILogger<AggregationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            logger.LogInformation("Background aggregation is disabled on this instance (Stats:Aggregation:Enabled).");
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            try
            {
                var report = await runner.RunAsync(stoppingToken);
                if (report.Days.Count > 0)
                {
                    logger.LogInformation(
                        "Aggregated {Days} day(s), {Events} raw events, in {Seconds:F1} s.", report.Days.Count, report.Events, report.Elapsed.TotalSeconds);
                }

                await monitor.GetStatusAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The runner records its own failures; this is the store being unreachable. Try again at the next tick.
                logger.LogWarning("Aggregation could not run: {Error}", ex.GetType().Name + ": " + ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
