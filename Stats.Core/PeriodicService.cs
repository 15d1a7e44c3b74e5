using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Stats.Core;

/// <summary>
/// A job that runs at start and then every <see cref="Interval"/> on the injected clock (so tests advance a fake one):
/// a failed run is logged and the next tick tries again; a job switched off says why once and stops.
/// </summary>
public abstract class PeriodicService(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>Said in the log when a run fails, before the error: "Expired salts could not be destroyed this time".</summary>
    protected abstract string FailureMessage { get; }

    /// <summary>Why this instance does not run the job, or null when it does.</summary>
    protected virtual string? OffBecause => null;

    /// <summary>How loud a failed run is: a job that runs every few seconds may prefer to stay quiet.</summary>
    protected virtual LogLevel FailureLevel => LogLevel.Warning;

    protected abstract Task RunOnceAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OffBecause is { } reason)
        {
            logger.LogInformation("{Reason}", reason);
            return;
        }

        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.Log(FailureLevel, "{Failure}: {Error}", FailureMessage, ex.GetType().Name + ": " + ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
