using System.Globalization;
using System.Text;
using Stats.Core.Data;
using Stats.Core.Retention;

namespace Stats.Dashboard.Cli;

/// <summary><c>erase-user &lt;user-id&gt; [--dry-run]</c>: deletes every raw event of one user (GDPR erasure).</summary>
internal static class EraseUserVerb
{
    public const string Usage = "erase-user <user-id> [--dry-run]";

    public static async Task<int> RunAsync(IServiceProvider services, Invocation invocation, CancellationToken cancellationToken)
    {
        if (invocation.Words.Count != 1 || string.IsNullOrWhiteSpace(invocation.Words[0]))
        {
            Console.Error.WriteLine($"erase-user needs exactly one user id. Usage: {Usage}");
            return 2;
        }

        await services.GetRequiredService<StoreMigrator>().MigrateAsync(cancellationToken);
        var result = await services.GetRequiredService<UserErasure>().EraseAsync(invocation.Words[0], invocation.Flags.Contains(CommandLine.DryRun), cancellationToken);
        Console.Out.Write(Report(result));
        return 0;
    }

    /// <summary>The days searched with their events, the days that cannot be searched and why, and a total line.</summary>
    internal static string Report(ErasureResult result)
    {
        // The user id is not printed: terminals and CI logs keep what the erasure removes.
        var text = new StringBuilder();
        var verb = result.DryRun ? "would be deleted" : "deleted";
        text.AppendLine(CultureInfo.InvariantCulture, $"Days searched (they still have a salt): {result.DaysSearched.Count}{(result.DryRun ? " (dry run: nothing is deleted)" : "")}");
        foreach (var day in result.DaysSearched)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {day.Day:yyyy-MM-dd}  {day.Events,12:N0} events {verb}");
        }

        var unsearchable = result.DaysNotSearchable;
        if (unsearchable.Count == 0)
        {
            text.AppendLine("Days not searchable: 0");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Days not searchable: {unsearchable.Count} ({Day(unsearchable[0])} to {Day(unsearchable[^1])}): their salts are destroyed, " +
                $"so their raw events cannot be linked to anyone and hold no personal data of the user.");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Total: {result.Events:N0} raw events {verb}{(result.DryRun || result.Events == 0 ? "" : "; their days are marked for re-aggregation")}.");
        return text.ToString();
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
