using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Data;
using Stats.Core.Demo;

namespace Stats.Dashboard.Cli;

/// <summary>
/// A verb with its words (sub-verb, arguments) and options, and the arguments left for the host
/// (configuration overrides such as <c>--urls</c> or <c>--Stats:Database:Provider=PostgreSql</c>).
/// </summary>
internal sealed record Invocation(
    string? Verb,
    IReadOnlyList<string> Words,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Options,
    string[] HostArgs,
    string? Error = null)
{
    public static Invocation Fail(string verb, string error) => new(verb, [], new Dictionary<string, IReadOnlyList<string>>(), [], error);

    /// <summary>The verb's flags that were given (options without a value, such as <c>--dry-run</c>).</summary>
    public IReadOnlySet<string> Flags { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public string? Option(string name) => Options.TryGetValue(name, out var values) ? values[^1] : null;
}

/// <summary>The command-line verbs of the dashboard executable.</summary>
internal static class CommandLine
{
    public const string Help = "help";
    public const string Migrate = "migrate";
    public const string SeedDemo = "seed-demo";
    public const string ApiKey = "apikey";
    public const string Import = "import";
    public const string Aggregate = "aggregate";
    public const string Purge = "purge";
    public const string EraseUser = "erase-user";
    public const string ReportDsr = "report-dsr";
    public const string ExportOpenAire = "export-openaire";
    public const string CatalogSync = "catalog-sync";

    /// <summary>The flag of the verbs that can show what they would do without doing it.</summary>
    public const string DryRun = "--dry-run";

    public const string Usage = $$"""
        Usage: Stats.Dashboard [<verb> [options]] [--Stats:Section:Setting=value ...]

        Without a verb, runs the dashboard (web server, REST API).

        Verbs:
          migrate                  Apply pending database migrations and exit.
          seed-demo                Write a believable demo repository through the ingestion path.
              --days N             Days of usage history to generate (default 730).
              --records N          Records in the catalog (default 300).
              --seed N             Random seed, for a repeatable data set (default 42).
          apikey create --name N --scope S [--scope S ...] [--reads-as R]
                                   Create an API key (scopes: ingest, read, admin) and print it once; a read
                                   key reads statistics as R: Public, SignedIn or Admin (Stats:Access:ApiKeyReadsAs).
          apikey list              List the keys (never their secrets), with their last use.
          apikey revoke <prefix|id>
                                   Revoke a key.
          {{ImportVerb.Usage}}
                                   Import historic usage: Apache/nginx access logs (combined or common
                                   format), NDJSON event files and invenio-stats raw event dumps, plain or
                                   .gz, files or folders (their files, by name). URLs become events by the
                                   Stats:Import:Routes patterns; only GET/HEAD with status 200 or 304 count.
                                   Importing a file again stores nothing twice; an interrupted import of
                                   the same files resumes; the days touched are aggregated at the end.
              --format F           auto (default: by the first line), combined, ndjson, invenio-events,
                                   invenio-aggregates (recognised, not importable yet).
              --batch N            Events per batch handed to the ingestion (default 5000).
          {{AggregateVerb.Usage}}
                                   Aggregate now: every day whose raw events changed, or with --from/--to
                                   every day of that range (UTC dates), changed or not. Prints each day.
          {{PurgeVerb.Usage}}        Delete now the raw events of aggregated days older than the retention
                                   period (Stats:Retention:RawEventMaxAgeDays); days not aggregated yet are
                                   kept. Prints the events deleted per day and a total.
          {{EraseUserVerb.Usage}}
                                   Delete every raw event of one user id (GDPR erasure) on the days that still
                                   have a salt, and mark those days for re-aggregation. Prints the days searched,
                                   the days not searchable (salt destroyed: no personal data) and the events deleted.
              --dry-run            Only count: print what would be deleted, delete nothing.
          {{ReportDsrVerb.Usage}}
                                   Write the Make Data Count dataset report (DSR, release rd1) of whole months,
                                   to submit it to a hub; standard output without --output. Fails (exit code 1)
                                   when a month is not over or not aggregated yet.
          {{ExportOpenAireVerb.Usage}}
                                   Send the counted views and downloads of every day not sent yet (over,
                                   aggregated) to OpenAIRE's Matomo (Stats:OpenAire), resuming after the
                                   bookmark; with --day, send that day again and leave the bookmark alone.
              --dry-run            Print the tracking requests, one a line (never the token); send nothing.
          {{CatalogSyncVerb.Usage}}
                                   Sync the record catalog now from the catalog sources (Stats:Sources:Catalog:
                                   InvenioRDM's REST API, OAI-PMH), or only from one, whatever their schedule;
                                   resumes a pass that stopped, then reads what changed since the bookmark.
              --full               Read every record again, not only what changed since the bookmark.
          help, --help, -h         Show this text.

        Settings are read from appsettings.json, environment variables (Stats__Database__Provider=...)
        and --Section:Key=value arguments; appsettings.Example.json lists them all.
        """;

    /// <summary>Each verb's options that take a value; a verb's words are the arguments that are not options.</summary>
    private static readonly Dictionary<string, string[]> s_verbOptions = new(StringComparer.Ordinal)
    {
        [Migrate] = [],
        [SeedDemo] = ["--days", "--records", "--seed"],
        [ApiKey] = ["--name", "--scope", "--reads-as"],
        [Import] = ["--format", "--batch", "--mapping"],
        [Aggregate] = ["--from", "--to"],
        [Purge] = [],
        [EraseUser] = [],
        [ReportDsr] = ["--month", "--from", "--to", "--output"],
        [ExportOpenAire] = ["--day"],
        [CatalogSync] = ["--source"],
    };

    /// <summary>Each verb's options that take no value.</summary>
    private static readonly Dictionary<string, string[]> s_verbFlags = new(StringComparer.Ordinal)
    {
        [Purge] = [DryRun],
        [EraseUser] = [DryRun],
        [ExportOpenAire] = [DryRun],
        [CatalogSync] = [CatalogSyncVerb.Full],
    };

    public static Invocation Parse(string[] args)
    {
        if (args.Length == 0 || (args[0].StartsWith('-') && args[0] is not ("--help" or "-h")))
        {
            return new Invocation(null, [], new Dictionary<string, IReadOnlyList<string>>(), args);
        }

        var verb = args[0] is "--help" or "-h" ? Help : args[0];
        if (verb == Help)
        {
            return new Invocation(Help, [], new Dictionary<string, IReadOnlyList<string>>(), []);
        }

        if (!s_verbOptions.TryGetValue(verb, out var known))
        {
            return Invocation.Fail(verb, $"Unknown verb '{verb}'.");
        }

        var flags = s_verbFlags.GetValueOrDefault(verb) ?? [];
        var options = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var given = new HashSet<string>(StringComparer.Ordinal);
        var words = new List<string>();
        var hostArgs = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (known.Contains(args[i]))
            {
                if (i + 1 >= args.Length)
                {
                    return Invocation.Fail(verb, $"Option '{args[i]}' of '{verb}' needs a value.");
                }

                options[args[i]] = [.. options.GetValueOrDefault(args[i]) ?? [], args[++i]];
            }
            else if (flags.Contains(args[i]))
            {
                given.Add(args[i]);
            }
            else if (args[i].StartsWith('-'))
            {
                hostArgs.Add(args[i]);
                if (!args[i].Contains('=', StringComparison.Ordinal) && i + 1 < args.Length && !args[i + 1].StartsWith('-'))
                {
                    hostArgs.Add(args[++i]);
                }
            }
            else
            {
                words.Add(args[i]);
            }
        }

        return new Invocation(verb, words, options, [.. hostArgs]) { Flags = given };
    }

    /// <summary>Runs the verb; a failure it did not expect is one line and an exit code (<see cref="VerbFailures"/>).</summary>
    public static Task<int> RunAsync(WebApplication app, Invocation invocation) =>
        VerbFailures.RunAsync(invocation.Verb!, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Stats.Cli"), () => DispatchAsync(app, invocation));

    private static async Task<int> DispatchAsync(WebApplication app, Invocation invocation)
    {
        var services = app.Services;
        var cancellation = app.Lifetime.ApplicationStopping;
        switch (invocation.Verb)
        {
            case Migrate:
                var applied = await services.GetRequiredService<StoreMigrator>().MigrateAsync(cancellation);
                Console.WriteLine(applied.Count == 0 ? "The database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
                return 0;

            case SeedDemo:
                if (!TryInt(invocation, "--days", 730, out var days) || !TryInt(invocation, "--records", 300, out var records) ||
                    !TryInt(invocation, "--seed", 42, out var seed))
                {
                    return 2;
                }

                await services.GetRequiredService<StoreMigrator>().MigrateAsync(cancellation);
                var result = await services.GetRequiredService<DemoSeeder>().SeedAsync(new DemoOptions { Days = days, Records = records, RandomSeed = seed }, cancellation);
                Console.WriteLine($"Seeded {result.Records} records in {result.Communities} communities and {result.Events} events ({result.Elapsed.TotalSeconds:F1} s).");
                return AggregateVerb.Report(SeedDemo, await services.GetRequiredService<AggregationRunner>().RunAsync(cancellation));

            case ApiKey:
                await services.GetRequiredService<StoreMigrator>().MigrateAsync(cancellation);
                return await ApiKeyVerb.RunAsync(services.GetRequiredService<ApiKeyService>(), invocation, cancellation);

            case Import:
                return await ImportVerb.RunAsync(app, invocation, cancellation);

            case Aggregate:
                return await AggregateVerb.RunAsync(services, invocation, cancellation);
            case Purge:
                return await PurgeVerb.RunAsync(services, invocation, cancellation);

            case EraseUser:
                return await EraseUserVerb.RunAsync(services, invocation, cancellation);

            case ReportDsr:
                return await ReportDsrVerb.RunAsync(services, invocation, cancellation);

            case ExportOpenAire:
                return await ExportOpenAireVerb.RunAsync(services, invocation, cancellation);

            case CatalogSync:
                return await CatalogSyncVerb.RunAsync(services, invocation, cancellation);

            default:
                throw new InvalidOperationException($"Verb '{invocation.Verb}' has no handler.");
        }
    }

    private static bool TryInt(Invocation invocation, string option, int fallback, out int value)
    {
        value = fallback;
        if (invocation.Option(option) is not { } text)
        {
            return true;
        }

        if (int.TryParse(text, out value) && value > 0)
        {
            return true;
        }

        Console.Error.WriteLine($"Option '{option}' needs a positive whole number, not '{text}'.");
        return false;
    }
}
