using System.Globalization;
using Stats.Core.Data;
using Stats.Core.Sources.Catalog;

namespace Stats.Dashboard.Cli;

/// <summary>
/// <c>catalog-sync [--source NAME] [--full]</c>: syncs the catalog sources now (whatever their schedule or backoff),
/// with a progress line on a terminal and a summary per source.
/// </summary>
internal static class CatalogSyncVerb
{
    public const string Usage = "catalog-sync [--source NAME] [--full]";

    public const string Full = "--full";

    public static async Task<int> RunAsync(IServiceProvider services, Invocation invocation, CancellationToken cancellationToken)
    {
        if (invocation.Words.Count > 0)
        {
            Console.Error.WriteLine($"catalog-sync takes no arguments, not '{invocation.Words[0]}'. Usage: {Usage}");
            return ExitCodes.Usage;
        }

        var runner = services.GetRequiredService<CatalogSyncRunner>();
        var sources = runner.Sources;
        if (invocation.Option("--source") is { } name)
        {
            if (sources.FirstOrDefault(s => s.Name == name) is not { } source)
            {
                Console.Error.WriteLine(sources.Count == 0
                    ? $"catalog-sync: there is no catalog source '{name}': Stats:Sources:Catalog is empty."
                    : $"catalog-sync: there is no catalog source '{name}' (Stats:Sources:Catalog has {string.Join(", ", sources.Select(s => s.Name))}).");
                return ExitCodes.Usage;
            }

            sources = [source];
        }
        else if (sources.Count == 0)
        {
            Console.Error.WriteLine("catalog-sync: no catalog source is configured (Stats:Sources:Catalog); README \"Catalog sync\" shows how.");
            return ExitCodes.Failed;
        }

        await services.GetRequiredService<StoreMigrator>().MigrateAsync(cancellationToken);
        var full = invocation.Flags.Contains(Full);
        var exit = ExitCodes.Success;
        foreach (var source in sources)
        {
            var progress = new ProgressLine(Console.Out, !Console.IsOutputRedirected);
            var report = await runner.SyncAsync(source, full, progress, cancellationToken);
            progress.Clear();
            exit = Math.Max(exit, Print(report));
        }

        return exit;
    }

    /// <summary>The summary of one source, and on failure one line on standard error; returns the exit code it deserves.</summary>
    private static int Print(CatalogSyncReport report)
    {
        if (!report.LeaseAcquired)
        {
            Console.Error.WriteLine($"catalog-sync: {report.Source}: another instance is syncing it ({report.LeaseHolder}); try again later.");
            return ExitCodes.Failed;
        }

        foreach (var problem in report.Problems)
        {
            Console.Out.WriteLine($"{report.Source}: skipped {problem.Record}: {problem.Reason}");
        }

        var outcome = report.Error is null ? $"; bookmark {report.Bookmark?.ToString("u", CultureInfo.InvariantCulture) ?? "none"}." : " before the failure.";
        Console.Out.WriteLine(FormattableString.Invariant(
            $"{report.Source}: {report.Seen:N0} records read, {report.Changed:N0} changed, {report.Deleted:N0} deleted, {report.Skipped:N0} skipped, {report.Reattributed:N0} re-attributed ({report.Elapsed.TotalSeconds:N1} s, {Rate(report):N0} records/s){outcome}"));
        if (report.Error is null)
        {
            return ExitCodes.Success;
        }

        if (report.StoreUnavailable)
        {
            Console.Error.WriteLine(VerbFailures.StoreUnavailable(CommandLine.CatalogSync, report.Error));
            return ExitCodes.StoreUnavailable;
        }

        Console.Error.WriteLine($"catalog-sync: {report.Source} failed ({report.Error.ReplaceLineEndings(" ")}). The pages already read stay applied; the next run resumes where this one stopped.");
        return ExitCodes.Failed;
    }

    private static double Rate(CatalogSyncReport report) => report.Elapsed.TotalSeconds > 0 ? report.Seen / report.Elapsed.TotalSeconds : 0;

    /// <summary>On a terminal, one line redrawn after each page; nothing when the output is redirected (the summary says it all).</summary>
    private sealed class ProgressLine(TextWriter output, bool interactive) : IProgress<CatalogSyncProgress>
    {
        private int _width;

        public void Report(CatalogSyncProgress value)
        {
            if (!interactive)
            {
                return;
            }

            var line = string.Create(CultureInfo.InvariantCulture,
                $"{value.Source}: {value.Seen:N0} read, {value.Changed:N0} changed, {value.Deleted:N0} deleted, {value.Skipped:N0} skipped, up to {value.LatestUpdate:u}");
            output.Write("\r" + line.PadRight(_width));
            _width = Math.Max(_width, line.Length);
            output.Flush();
        }

        public void Clear()
        {
            if (_width > 0)
            {
                output.Write("\r" + new string(' ', _width) + "\r");
                _width = 0;
            }
        }
    }
}
