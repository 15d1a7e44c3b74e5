using Stats.Core.Access;
using Stats.Core.Data;
using Stats.Core.Reports.Dsr;

namespace Stats.Dashboard.Cli;

/// <summary>
/// <c>report-dsr --month yyyy-MM [--output file.json]</c> (or <c>--from yyyy-MM --to yyyy-MM</c>): writes the Make Data
/// Count dataset report, ready to submit to a hub. Exit codes: 0 written, 1 the report cannot be made (one line says why),
/// 2 bad usage.
/// </summary>
internal static class ReportDsrVerb
{
    public const string Usage = "report-dsr --month yyyy-MM | --from yyyy-MM --to yyyy-MM [--output file.json]";

    public static async Task<int> RunAsync(IServiceProvider services, Invocation invocation, CancellationToken cancellationToken)
    {
        if (!TryParseMonths(invocation, out var first, out var last, out var error))
        {
            Console.Error.WriteLine(error);
            return 2;
        }

        await services.GetRequiredService<StoreMigrator>().MigrateAsync(cancellationToken);
        DatasetReport report;
        try
        {
            // The report goes to a hub that publishes it: it holds what the access rules show to everyone.
            report = await services.GetRequiredService<DatasetReportBuilder>().BuildAsync(first, last, StatsViewer.Anonymous, cancellationToken);
        }
        catch (DsrReportException ex)
        {
            Console.Error.WriteLine($"No report: {ex.Message}");
            return 1;
        }

        var json = report.ToJson();
        foreach (var warning in report.Exceptions)
        {
            Console.Error.WriteLine($"Warning {warning.Code} {warning.Message}: {warning.Data}");
        }

        if (invocation.Option("--output") is { } path)
        {
            try
            {
                await File.WriteAllTextAsync(path, json + "\n", cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"Cannot write {path}: {ex.Message}");
                return 1;
            }

            Console.WriteLine($"Wrote the dataset report of {report.ReportingPeriod.BeginDate} to {report.ReportingPeriod.EndDate} ({report.ReportDatasets.Count} dataset(s)) to {path}.");
        }
        else
        {
            Console.WriteLine(json);
        }

        return 0;
    }

    private static bool TryParseMonths(Invocation invocation, out DateOnly first, out DateOnly last, out string? error)
    {
        (first, last, error) = (default, default, null);
        var (month, from, to) = (invocation.Option("--month"), invocation.Option("--from"), invocation.Option("--to"));
        if (month is not null && (from is not null || to is not null))
        {
            error = "Give either --month or --from and --to, not both.";
            return false;
        }

        if (month is null && (from is null || to is null))
        {
            error = $"report-dsr needs --month yyyy-MM, or --from yyyy-MM and --to yyyy-MM. Usage: {Usage}";
            return false;
        }

        foreach (var text in new[] { month, from, to }.OfType<string>())
        {
            if (!IsMonth(text))
            {
                error = $"--month, --from and --to take a month as yyyy-MM, not '{text}'.";
                return false;
            }
        }

        first = Month(month ?? from!);
        last = Month(month ?? to!);
        if (last < first)
        {
            error = $"--to ({last:yyyy-MM}) is before --from ({first:yyyy-MM}).";
            return false;
        }

        return true;
    }

    private static bool IsMonth(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _);

    private static DateOnly Month(string text) =>
        DateOnly.ParseExact(text, "yyyy-MM", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None);
}
