using Stats.Core.Data;
using Stats.Core.Demo;

namespace Stats.Dashboard.Cli;

/// <summary>A verb and the arguments left for the host (configuration overrides such as <c>--urls</c>).</summary>
internal sealed record Invocation(string? Verb, IReadOnlyDictionary<string, string> Options, string[] HostArgs, string? Error = null);

/// <summary>The command-line verbs of the dashboard executable.</summary>
internal static class CommandLine
{
    public const string Help = "help";
    public const string Migrate = "migrate";
    public const string SeedDemo = "seed-demo";

    public const string Usage = """
        Usage: Stats.Dashboard [<verb> [options]] [--Stats:Section:Setting=value ...]

        Without a verb, runs the dashboard (web server, REST API).

        Verbs:
          migrate               Apply pending database migrations and exit.
          seed-demo             Write a believable demo repository through the ingestion path.
              --days N          Days of usage history to generate (default 730).
              --records N       Records in the catalog (default 300).
              --seed N          Random seed, for a repeatable data set (default 42).
          help, --help, -h      Show this text.

        Settings are read from appsettings.json, environment variables (Stats__Database__Provider=...)
        and --Section:Key=value arguments; appsettings.Example.json lists them all.
        """;

    private static readonly Dictionary<string, string[]> s_verbOptions = new(StringComparer.Ordinal)
    {
        [Migrate] = [],
        [SeedDemo] = ["--days", "--records", "--seed"],
    };

    public static Invocation Parse(string[] args)
    {
        if (args.Length == 0 || (args[0].StartsWith('-') && args[0] is not ("--help" or "-h")))
        {
            return new Invocation(null, new Dictionary<string, string>(), args);
        }

        var verb = args[0] is "--help" or "-h" ? Help : args[0];
        if (verb == Help)
        {
            return new Invocation(Help, new Dictionary<string, string>(), []);
        }

        if (!s_verbOptions.TryGetValue(verb, out var known))
        {
            return new Invocation(verb, new Dictionary<string, string>(), [], $"Unknown verb '{verb}'.");
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var hostArgs = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (known.Contains(args[i]))
            {
                if (i + 1 >= args.Length)
                {
                    return new Invocation(verb, options, [], $"Option '{args[i]}' of '{verb}' needs a value.");
                }

                options[args[i]] = args[++i];
            }
            else
            {
                hostArgs.Add(args[i]);
            }
        }

        return new Invocation(verb, options, [.. hostArgs]);
    }

    public static async Task<int> RunAsync(WebApplication app, Invocation invocation)
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
                return 0;

            default:
                throw new InvalidOperationException($"Verb '{invocation.Verb}' has no handler.");
        }
    }

    private static bool TryInt(Invocation invocation, string option, int fallback, out int value)
    {
        value = fallback;
        if (!invocation.Options.TryGetValue(option, out var text))
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
