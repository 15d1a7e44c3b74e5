using System.Globalization;
using System.Text;
using Stats.Core.Data;
using Stats.Core.Retention;

namespace Stats.Dashboard.Cli;

/// <summary><c>purge [--dry-run]</c>: deletes the raw events of aggregated days past the retention period, now.</summary>
internal static class PurgeVerb
{
    public const string Usage = "purge [--dry-run]";

    public static async Task<int> RunAsync(IServiceProvider services, Invocation invocation, CancellationToken cancellationToken)
    {
        if (invocation.Words.Count > 0)
        {
            Console.Error.WriteLine($"purge takes no arguments, not '{invocation.Words[0]}'. Usage: {Usage}");
            return 2;
        }

        await services.GetRequiredService<StoreMigrator>().MigrateAsync(cancellationToken);
        var result = await services.GetRequiredService<RawEventPurger>().PurgeAsync(invocation.Flags.Contains(CommandLine.DryRun), cancellationToken);
        Console.Out.Write(Report(result));
        return 0;
    }

    /// <summary>One line per day, the days left alone, and a total line.</summary>
    internal static string Report(PurgeResult result)
    {
        var text = new StringBuilder();
        if (result.Horizon is not { } horizon)
        {
            text.AppendLine($"Retention is off ({RetentionOptions.SectionName}:RawEventMaxAgeDays is 0): raw events are kept forever, nothing to purge.");
            return text.ToString();
        }

        var verb = result.DryRun ? "would be deleted" : "deleted";
        text.AppendLine(CultureInfo.InvariantCulture, $"Raw events of aggregated days before {horizon:yyyy-MM-dd}{(result.DryRun ? " (dry run: nothing is deleted)" : "")}:");
        foreach (var day in result.Days)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {day.Day:yyyy-MM-dd}  {day.Events,12:N0} events {verb}");
        }

        if (result.NotAggregated.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Skipped {result.NotAggregated.Count} day(s) not aggregated yet, kept until they are: {string.Join(", ", result.NotAggregated.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Total: {result.Events:N0} raw events {verb} on {result.Days.Count} day(s).");
        return text.ToString();
    }
}
