using Microsoft.Extensions.Options;
using Stats.Core.Data;

namespace Stats.Dashboard.Cli;

/// <summary>The exit codes of the verbs, as the README's verbs section lists them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The work failed (a bad setting, an unreadable file, a bug): running it again as it is will not help.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: an unknown verb, a missing or malformed option.</summary>
    public const int Usage = 2;

    /// <summary>The store is unavailable (down, locked, full, read-only): run the verb again later.</summary>
    public const int StoreUnavailable = 3;
}

/// <summary>
/// What every verb does with a failure it did not expect: one line on standard error and an exit code, never a stack
/// trace. A store outage (<see cref="StoreOutage"/>) exits with <see cref="ExitCodes.StoreUnavailable"/> and says what
/// the verb kept; anything else exits with <see cref="ExitCodes.Failed"/>, its stack trace logged at Debug level.
/// </summary>
internal static class VerbFailures
{
    /// <summary>What stays done when a verb stops half-way, so that the operator knows running it again is safe.</summary>
    private static readonly Dictionary<string, string> s_whatStays = new(StringComparer.Ordinal)
    {
        [CommandLine.Import] = "Importing the same files again resumes the run: lines already stored are not stored twice.",
        [CommandLine.Aggregate] = "Days already aggregated stay aggregated; the others stay marked and are aggregated by the next run.",
        [CommandLine.Purge] = "Days already purged stay purged; run it again.",
        [CommandLine.EraseUser] = "Days already done stay done; run it again.",
        [CommandLine.ExportOpenAire] = "The bookmark keeps what was sent; run it again.",
        [CommandLine.SeedDemo] = "Run it again on an empty store.",
        [CommandLine.CatalogSync] = "The pages already read stay applied; run it again to resume.",
    };

    public static async Task<int> RunAsync(string verb, ILogger logger, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception ex) when (StoreOutage.IsOutage(ex))
        {
            Console.Error.WriteLine(StoreUnavailable(verb, StoreOutage.Describe(ex)));
            return ExitCodes.StoreUnavailable;
        }
        catch (Exception ex) when (ex is not (OptionsValidationException or OperationCanceledException))
        {
            logger.LogDebug(ex, "{Verb} failed.", verb);
            Console.Error.WriteLine($"{verb}: failed ({ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}).");
            return ExitCodes.Failed;
        }
    }

    /// <summary>The line a verb prints when the store is unavailable, with <paramref name="cause"/> and what stays done.</summary>
    public static string StoreUnavailable(string verb, string cause) =>
        $"{verb}: the store is unavailable ({cause.ReplaceLineEndings(" ")}). {s_whatStays.GetValueOrDefault(verb, "Nothing was changed; run it again.")}";
}
