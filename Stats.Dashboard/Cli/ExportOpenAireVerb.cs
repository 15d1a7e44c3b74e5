using System.Globalization;
using Stats.Core.Data;
using Stats.Core.Reports.OpenAire;

namespace Stats.Dashboard.Cli;

/// <summary>
/// <c>export-openaire [--day yyyy-MM-dd] [--dry-run]</c>: sends the pending days to OpenAIRE now (or one day again), or
/// prints the requests it would send.
/// </summary>
internal static class ExportOpenAireVerb
{
    public const string Usage = "export-openaire [--day yyyy-MM-dd] [--dry-run]";

    public static async Task<int> RunAsync(IServiceProvider services, Invocation invocation, CancellationToken cancellationToken)
    {
        if (invocation.Words.Count > 0)
        {
            Console.Error.WriteLine($"export-openaire takes no arguments, not '{invocation.Words[0]}'. Usage: {Usage}");
            return 2;
        }

        DateOnly? day = null;
        if (invocation.Option("--day") is { } text)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                Console.Error.WriteLine($"--day takes a UTC date as yyyy-MM-dd, not '{text}'.");
                return 2;
            }

            day = parsed;
        }

        var dryRun = invocation.Flags.Contains(CommandLine.DryRun);
        var exporter = services.GetRequiredService<OpenAireExporter>();
        try
        {
            await services.GetRequiredService<StoreMigrator>().MigrateAsync(cancellationToken);
            return dryRun ? await PrintAsync(exporter, day, cancellationToken) : await SendAsync(exporter, day, cancellationToken);
        }
        catch (InvalidOperationException ex) when (ex.Message.EndsWith("is not set.", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"export-openaire: {ex.Message}");
            return 1;
        }
    }

    /// <summary>The requests, one per line, as they would be sent (the token is never printed); notes go to standard error.</summary>
    private static async Task<int> PrintAsync(OpenAireExporter exporter, DateOnly? day, CancellationToken cancellationToken)
    {
        IReadOnlyList<(DateOnly Day, ExportDayState State)> days;
        if (day is { } one)
        {
            var state = await exporter.StateOfAsync(one, cancellationToken);
            if (state == ExportDayState.Purged)
            {
                Console.Error.WriteLine($"{one:yyyy-MM-dd} cannot be exported: {OpenAireExporter.Describe(state)}.");
                return 1;
            }

            if (state is not (ExportDayState.Exportable or ExportDayState.NoEvents))
            {
                Console.Error.WriteLine($"Note: {one:yyyy-MM-dd} would not be sent now: {OpenAireExporter.Describe(state)}.");
            }

            days = [(one, state)];
        }
        else
        {
            days = [.. (await exporter.PendingDaysAsync(cancellationToken)).Where(d => d.State != ExportDayState.NoEvents)];
        }

        var total = 0;
        foreach (var (pending, state) in days)
        {
            if (state == ExportDayState.Purged)
            {
                Console.Error.WriteLine($"{pending:yyyy-MM-dd}: {OpenAireExporter.Describe(state)}; it would be skipped.");
                continue;
            }

            var requests = await exporter.BuildRequestsAsync(pending, cancellationToken);
            foreach (var request in requests)
            {
                Console.WriteLine(request);
            }

            total += requests.Count;
        }

        Console.Error.WriteLine($"Dry run: {total} request(s) of {days.Count} day(s) would be sent; nothing was sent.");
        return 0;
    }

    private static async Task<int> SendAsync(OpenAireExporter exporter, DateOnly? day, CancellationToken cancellationToken)
    {
        var report = day is { } one
            ? await exporter.ResendDayAsync(one, cancellationToken)
            : await exporter.ExportPendingAsync(cancellationToken);
        foreach (var done in report.Days)
        {
            Console.WriteLine(done.Note is null
                ? $"{done.Day:yyyy-MM-dd}  {done.Sent} of {done.Requests} request(s) sent"
                : $"{done.Day:yyyy-MM-dd}  {done.Note}");
        }

        if (report.Days.Count == 0 && report.Error is null)
        {
            Console.WriteLine("Nothing to export: every day that is over and aggregated has been sent.");
        }

        if (report.Error is not null)
        {
            Console.Error.WriteLine($"OpenAIRE export failed: {report.Error}");
            return 1;
        }

        return 0;
    }
}
