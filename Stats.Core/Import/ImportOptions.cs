using Stats.Core.Events;
using Stats.Core.Import.Aggregates;

namespace Stats.Core.Import;

/// <summary>The <c>Stats:Import</c> settings: how the <c>import</c> verb turns access-log URLs into events.</summary>
public sealed class ImportOptions
{
    public const string SectionName = "Stats:Import";

    /// <summary>
    /// URL patterns tried in order, the first match wins. Empty means <see cref="DefaultRoutes"/>: configured routes
    /// replace the defaults rather than add to them (the configuration binder appends to a non-empty list, so the
    /// defaults cannot simply be the initial value).
    /// </summary>
    public List<ImportRoute> Routes { get; set; } = [];

    /// <summary>InvenioRDM and Zenodo: the record landing page is a view, a file under it a download.</summary>
    public static IReadOnlyList<ImportRoute> DefaultRoutes { get; } =
    [
        new() { Pattern = "/records/{recid}", Type = EventCatalog.RecordView },
        new() { Pattern = "/records/{recid}/files/{*file_key}", Type = EventCatalog.FileDownload },
    ];

    /// <summary>Named mappings of CSV tables onto our fields, for <c>import --format csv --mapping &lt;name&gt;</c>.</summary>
    public Dictionary<string, CsvMapping> Csv { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The routes in force: the configured ones, or the defaults when none are configured.</summary>
    public IReadOnlyList<ImportRoute> EffectiveRoutes => Routes.Count > 0 ? Routes : DefaultRoutes;

    /// <summary>What is wrong with these settings, one sentence per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        for (var i = 0; i < Routes.Count; i++)
        {
            errors.AddRange(RoutePattern.Check(Routes[i]).Select(problem => $"{SectionName}:Routes:{i}: {problem}"));
        }

        foreach (var (name, mapping) in Csv)
        {
            errors.AddRange(mapping.Validate($"{SectionName}:Csv:{name}"));
        }

        return errors;
    }
}

/// <summary>One URL pattern of <see cref="ImportOptions.Routes"/> and the event a matching request becomes.</summary>
public sealed class ImportRoute
{
    /// <summary>
    /// A path with placeholders named after event fields: <c>{recid}</c> matches one path segment, <c>{*file_key}</c>
    /// (last only) the rest of the path, slashes included. Literal segments match exactly; the query string is ignored.
    /// </summary>
    public string Pattern { get; set; } = "";

    /// <summary>The event type, e.g. <c>record-view</c> or <c>file-download</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>Every request of this route is a preview (a preview page); otherwise only those with <c>?preview=1</c> are.</summary>
    public bool Preview { get; set; }
}
