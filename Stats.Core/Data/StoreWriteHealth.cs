using System.Collections.Concurrent;

namespace Stats.Core.Data;

/// <summary>How one writer's writes went: degraded when its last write failed, with the cause.</summary>
public sealed record WriterHealth(string Writer, bool Degraded, DateTime? LastSuccess, DateTime? LastFailure, string? Cause);

/// <summary>
/// The last write outcome of each writer of the store (ingestion, aggregation), so that health can say "writes fail"
/// (disk full, store read-only) without writing itself: the writers write anyway, and the aggregator's lease renewal is
/// a write on every run, so a store that can be written again shows as healthy again at the next run.
/// </summary>
public sealed class StoreWriteHealth(TimeProvider clock)
{
    public const string Ingestion = "ingestion";
    public const string Aggregation = "aggregation";

    private readonly ConcurrentDictionary<string, WriterHealth> _writers = new(StringComparer.Ordinal);

    public void Succeeded(string writer)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        _writers.AddOrUpdate(
            writer,
            _ => new WriterHealth(writer, false, now, null, null),
            (_, last) => last with { Degraded = false, LastSuccess = now, Cause = null });
    }

    public void Failed(string writer, Exception exception)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var cause = StoreOutage.Describe(exception);
        _writers.AddOrUpdate(
            writer,
            _ => new WriterHealth(writer, true, null, now, cause),
            (_, last) => last with { Degraded = true, LastFailure = now, Cause = cause });
    }

    /// <summary>The writers that have written or failed since this instance started, by name.</summary>
    public IReadOnlyList<WriterHealth> Writers => [.. _writers.Values.OrderBy(w => w.Writer, StringComparer.Ordinal)];
}
