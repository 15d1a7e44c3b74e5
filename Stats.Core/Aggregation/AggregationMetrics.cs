using System.Diagnostics.Metrics;

namespace Stats.Core.Aggregation;

/// <summary>
/// The aggregator's instruments (meter <c>Stats.Aggregation</c>), for OpenTelemetry or <c>dotnet-counters</c>; the
/// pipeline's state in Prometheus text is at <c>/metrics</c>.
/// </summary>
public sealed class AggregationMetrics : IDisposable
{
    public const string MeterName = "Stats.Aggregation";

    private readonly Meter _meter;
    private readonly Counter<long> _days;
    private readonly Counter<long> _events;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _dayDuration;
    private PipelineStatus? _latest;

    public AggregationMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _days = _meter.CreateCounter<long>("stats.aggregation.days", "{day}", "Days aggregated.");
        _events = _meter.CreateCounter<long>("stats.aggregation.events", "{event}", "Raw events aggregated.");
        _failures = _meter.CreateCounter<long>("stats.aggregation.failures", "{run}", "Aggregation runs that failed.");
        _dayDuration = _meter.CreateHistogram<double>("stats.aggregation.day.duration", "s", "Time to aggregate one day.");
        _meter.CreateObservableGauge("stats.aggregation.backlog.days", () => _latest?.Backlog.Days ?? 0, "{day}", "Days waiting to be aggregated.");
        _meter.CreateObservableGauge("stats.aggregation.backlog.events", () => _latest?.Backlog.Events ?? 0, "{event}", "Raw events written to days waiting to be aggregated.");
        _meter.CreateObservableGauge(
            "stats.aggregation.backlog.age", () => _latest?.Backlog.Age?.TotalSeconds ?? 0, "s", "How long the oldest waiting day has been waiting.");
    }

    public void DayAggregated(DayReport report)
    {
        _days.Add(1);
        _events.Add(report.Events);
        _dayDuration.Record(report.Elapsed.TotalSeconds);
    }

    public void RunFailed() => _failures.Add(1);

    /// <summary>Keeps the latest known state for the gauges, which cannot query the store themselves.</summary>
    public void Observe(PipelineStatus status) => _latest = status;

    public void Dispose() => _meter.Dispose();
}
