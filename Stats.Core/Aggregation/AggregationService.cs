using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Stats.Core.Aggregation;

/// <summary>Runs the aggregator at start and then every <see cref="AggregationOptions.Interval"/>, on every instance that enables it.</summary>
public sealed class AggregationService(
    AggregationRunner runner,
    PipelineMonitor monitor,
    IOptions<AggregationOptions> options,
    TimeProvider clock,
    ILogger<AggregationService> logger) : PeriodicService(clock, logger)
{
    protected override TimeSpan Interval => options.Value.Interval;

    // The runner records its own failures; this is the store being unreachable.
    protected override string FailureMessage => "Aggregation could not run";

    protected override string? OffBecause => options.Value.Enabled ? null : "Background aggregation is disabled on this instance (Stats:Aggregation:Enabled).";

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var report = await runner.RunAsync(stoppingToken);
        if (report.Days.Count > 0)
        {
            logger.LogInformation("Aggregated {Days} day(s), {Events} raw events, in {Seconds:F1} s.", report.Days.Count, report.Events, report.Elapsed.TotalSeconds);
        }

        await monitor.GetStatusAsync(stoppingToken);
    }
}
