using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Stats.Core.Retention;

/// <summary>
/// Runs the purge at start and then every <see cref="RetentionOptions.PurgeInterval"/>, on every instance: each slice
/// checks its day in its own transaction, so two instances purging at once delete nothing twice and nothing early.
/// </summary>
public sealed class RawEventPurgeService(RawEventPurger purger, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<RawEventPurgeService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            logger.LogInformation("Retention is off ({Setting} is 0): raw events are kept forever.", RetentionOptions.SectionName + ":RawEventMaxAgeDays");
            return;
        }

        using var timer = new PeriodicTimer(settings.PurgeInterval, clock);
        do
        {
            try
            {
                var result = await purger.PurgeAsync(dryRun: false, stoppingToken);
                if (result.Days.Count > 0)
                {
                    logger.LogInformation("Retention deleted {Events} raw events of {Days} aggregated day(s) before {Horizon}.", result.Events, result.Days.Count, result.Horizon?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The next run tries again; a failed slice was rolled back and left its day consistent.
                logger.LogWarning("Raw events could not be purged this time: {Error}", ex.GetType().Name + ": " + ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
