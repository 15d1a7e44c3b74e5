using System.Globalization;
using Stats.Core.Aggregation;
using Stats.Core.Data;

namespace Stats.Dashboard.Cli;

/// <summary><c>aggregate [--from yyyy-MM-dd --to yyyy-MM-dd]</c>: runs the aggregator now and prints what it did.</summary>
internal static class AggregateVerb
{
    public const string Usage = "aggregate [--from yyyy-MM-dd] [--to yyyy-MM-dd]";

    /// <summary>How long to wait for another instance's run to finish before giving up.</summary>
    private static readonly TimeSpan s_leaseWait = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(IServiceProvider services, Invocation invocation, CancellationToken cancellationToken)
    {
        if (!TryParseRange(invocation, out var range, out var error))
        {
            Console.Error.WriteLine(error);
            return ExitCodes.Usage;
        }

        await services.GetRequiredService<StoreMigrator>().MigrateAsync(cancellationToken);
        var runner = services.GetRequiredService<AggregationRunner>();
        var report = await runner.RunAsync(range, cancellationToken);
        var waited = TimeSpan.Zero;
        while (!report.LeaseAcquired && waited < s_leaseWait)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            waited += TimeSpan.FromSeconds(1);
            report = await runner.RunAsync(range, cancellationToken);
        }

        if (!report.LeaseAcquired)
        {
            Console.Error.WriteLine($"aggregate: another instance is aggregating ({report.LeaseHolder}, lease until {report.LeaseExpiresAt:u}); try again later.");
            return ExitCodes.Failed;
        }

        return Report(CommandLine.Aggregate, report);
    }

    /// <summary>
    /// Prints what the run did (<see cref="Print"/>) and, when it failed, one line on standard error saying why and what
    /// stays done; returns the verb's exit code.
    /// </summary>
    public static int Report(string verb, AggregationReport report)
    {
        Print(report);
        if (report.Error is null)
        {
            return ExitCodes.Success;
        }

        if (report.StoreUnavailable)
        {
            Console.Error.WriteLine(VerbFailures.StoreUnavailable(verb, report.Error));
            return ExitCodes.StoreUnavailable;
        }

        Console.Error.WriteLine($"{verb}: aggregation failed after {report.Days.Count} day(s) ({report.Error.ReplaceLineEndings(" ")}). Days already aggregated stay aggregated; the others stay marked.");
        return ExitCodes.Failed;
    }

    /// <summary>One line per day, then the total: what an operator checks after an import or a fix.</summary>
    private static void Print(AggregationReport report)
    {
        foreach (var day in report.Days.OrderBy(d => d.Day))
        {
            Console.WriteLine(day.Skipped is null
                ? FormattableString.Invariant($"{day.Day:yyyy-MM-dd}  {day.Events,10:N0} events  {day.Elapsed.TotalMilliseconds,8:F0} ms")
                : FormattableString.Invariant($"{day.Day:yyyy-MM-dd}  skipped: {day.Skipped}"));
        }

        var rate = report.Elapsed.TotalSeconds > 0 ? report.Events / report.Elapsed.TotalSeconds : 0;
        if (report.Error is not null)
        {
            // "Nothing to aggregate" would be false: the failure itself goes to standard error.
            if (report.Days.Count > 0)
            {
                Console.WriteLine(FormattableString.Invariant($"Aggregated {report.Days.Count} day(s), {report.Events:N0} raw events in {report.Elapsed.TotalSeconds:F1} s before the failure."));
            }

            return;
        }

        Console.WriteLine(report.Days.Count == 0
            ? "Nothing to aggregate: no day has changed since it was last aggregated."
            : FormattableString.Invariant($"Aggregated {report.Days.Count} day(s), {report.Events:N0} raw events in {report.Elapsed.TotalSeconds:F1} s ({rate:N0} events/s)."));
    }

    private static bool TryParseRange(Invocation invocation, out (DateOnly From, DateOnly To)? range, out string? error)
    {
        range = null;
        error = null;
        var from = invocation.Option("--from");
        var to = invocation.Option("--to");
        if (from is null && to is null)
        {
            return true;
        }

        foreach (var text in new[] { from, to }.OfType<string>())
        {
            if (!TryDay(text, out _))
            {
                error = $"--from and --to take a UTC date as yyyy-MM-dd, not '{text}'.";
                return false;
            }
        }

        TryDay(from ?? to!, out var first);
        TryDay(to ?? from!, out var last);
        if (last < first)
        {
            error = $"--to ({last:yyyy-MM-dd}) is before --from ({first:yyyy-MM-dd}).";
            return false;
        }

        range = (first, last);
        return true;
    }

    private static bool TryDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
