using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Stats.Core.Ingestion;

/// <summary>Destroys expired daily salts at start and then periodically, on every instance (deleting twice is harmless).</summary>
public sealed class SaltSweeper(DailySaltStore salts, IOptions<PrivacyOptions> options, TimeProvider clock, ILogger<SaltSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SaltSweepInterval, clock);
        do
        {
            try
            {
                var destroyed = await salts.DestroyExpiredAsync(stoppingToken);
                if (destroyed.Count > 0)
                {
                    logger.LogInformation("Destroyed the salts of {Count} day(s), up to {Last}.", destroyed.Count, destroyed.Max());
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Expired salts could not be destroyed this time: {Error}", ex.GetType().Name + ": " + ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
