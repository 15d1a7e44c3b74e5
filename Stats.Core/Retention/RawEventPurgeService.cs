using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Stats.Core.Retention;

/// <summary>
/// Runs the purge at start and then every <see cref="RetentionOptions.PurgeInterval"/>, on every instance: each slice
/// checks its day in its own transaction, so two instances purging at once delete nothing twice and nothing early.
/// </summary>
public sealed class RawEventPurgeService(RawEventPurger purger, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<RawEventPurgeService> logger)
    : PeriodicService(clock, logger)
{
    protected override TimeSpan Interval => options.Value.PurgeInterval;

    // The next run tries again; a failed slice was rolled back and left its day consistent.
    protected override string FailureMessage => "Raw events could not be purged this time";

    protected override string? OffBecause => options.Value.Enabled
        ? null
        : $"Retention is off ({RetentionOptions.SectionName}:RawEventMaxAgeDays is 0): raw events are kept forever.";

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var result = await purger.PurgeAsync(dryRun: false, stoppingToken);
        if (result.Days.Count > 0)
        {
            logger.LogInformation(
                "Retention deleted {Events} raw events of {Days} aggregated day(s) before {Horizon}.",
                result.Events, result.Days.Count, result.Horizon?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
    }
}
