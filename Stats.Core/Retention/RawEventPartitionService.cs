using Microsoft.Extensions.Logging;
using Stats.Core.Data;

namespace Stats.Core.Retention;

/// <summary>
/// Makes the raw-event partitions of the current month and the next <see cref="RawEventPartitions.MonthsAhead"/> at start
/// and then every six hours (PostgreSQL only, ADR-017), so that live traffic never waits for one at a month's turn. The
/// writer makes any other month it needs itself; retention drops the old ones.
/// </summary>
public sealed class RawEventPartitionService : PeriodicService
{
    private readonly StatsDbContextFactory _contextFactory;
    private readonly TimeProvider _clock;

    public RawEventPartitionService(StatsDbContextFactory contextFactory, TimeProvider clock, ILogger<RawEventPartitionService> logger)
        : base(clock, logger)
    {
        _contextFactory = contextFactory;
        _clock = clock;
    }

    protected override TimeSpan Interval => TimeSpan.FromHours(6);

    // The writer makes a missing month on demand, so a failed run costs nothing but that.
    protected override string FailureMessage => "Raw event partitions could not be made ahead this time";

    protected override string? OffBecause => _contextFactory.Provider == DatabaseProvider.PostgreSql
        ? null
        : $"Raw events are one table on {_contextFactory.Provider}: there are no partitions to make ahead.";

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        await using var context = _contextFactory.CreateDbContext();
        await RawEventPartitions.EnsureAheadAsync(context, _clock.GetUtcNow(), stoppingToken);
    }
}
