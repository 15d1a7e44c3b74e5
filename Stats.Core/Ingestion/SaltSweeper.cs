using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Stats.Core.Ingestion;

/// <summary>Destroys expired daily salts at start and then periodically, on every instance (deleting twice is harmless).</summary>
public sealed class SaltSweeper(DailySaltStore salts, IOptions<PrivacyOptions> options, TimeProvider clock, ILogger<SaltSweeper> logger)
    : PeriodicService(clock, logger)
{
    protected override TimeSpan Interval => options.Value.SaltSweepInterval;

    protected override string FailureMessage => "Expired salts could not be destroyed this time";

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var destroyed = await salts.DestroyExpiredAsync(stoppingToken);
        if (destroyed.Count > 0)
        {
            logger.LogInformation("Destroyed the salts of {Count} day(s), up to {Last}.", destroyed.Count, destroyed.Max());
        }
    }
}
