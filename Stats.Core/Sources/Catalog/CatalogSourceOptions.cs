using Microsoft.Extensions.Options;

namespace Stats.Core.Sources.Catalog;

/// <summary>The protocols a catalog source speaks.</summary>
public enum CatalogSourceKind
{
    /// <summary>InvenioRDM's REST API: <c>/api/records</c> and <c>/api/communities</c>.</summary>
    InvenioRdm = 1,

    /// <summary>OAI-PMH 2.0: <c>ListRecords</c> and <c>ListSets</c> (Zenodo, CDS, DSpace, EPrints...).</summary>
    OaiPmh = 2,
}

/// <summary>One entry of <c>Stats:Sources:Catalog</c>: a repository whose catalog is kept in step with ours.</summary>
public sealed class CatalogSourceOptions
{
    /// <summary>The source's name: in the state table, the logs, <c>catalog-sync --source</c>, and the buckets it teaches.</summary>
    public string Name { get; set; } = "";

    public CatalogSourceKind Kind { get; set; }

    /// <summary>InvenioRDM: the site's base URL (<c>https://repo.example.org</c>); OAI-PMH: the base URL (<c>https://zenodo.org/oai2d</c>).</summary>
    public string Url { get; set; } = "";

    /// <summary>InvenioRDM: a personal access token, to see restricted and deleted records (keep it out of files).</summary>
    public string? Token { get; set; }

    /// <summary>OAI-PMH: <c>oai_datacite</c> (versions, rights, types) or <c>oai_dc</c>.</summary>
    public string MetadataPrefix { get; set; } = "oai_datacite";

    /// <summary>OAI-PMH: only this set (e.g. one community), or the whole repository when empty.</summary>
    public string? Set { get; set; }

    /// <summary>OAI-PMH: which sets are communities, and the community's id within the set's name (<c>user-{community}</c>).</summary>
    public string? CommunitySetPattern { get; set; }

    /// <summary>OAI-PMH: the recid within the OAI identifier (<c>oai:zenodo.org:{recid}</c>); default: what follows the last colon.</summary>
    public string? RecidPattern { get; set; }

    /// <summary>OAI-PMH: the recid within a DOI (<c>10.5281/zenodo.{recid}</c>), to read the version a record is of (<c>IsVersionOf</c>).</summary>
    public string? DoiPattern { get; set; }

    /// <summary>Records asked for per page (InvenioRDM; OAI-PMH repositories choose their own).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>How often the schedule syncs the source.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>The <c>Stats:Sources:Catalog</c> list (none by default) and the sync's own timings.</summary>
public sealed class CatalogSyncOptions
{
    public const string SectionName = "Stats:Sources:Catalog";

    public List<CatalogSourceOptions> Sources { get; } = [];

    /// <summary>How often the schedule looks for a source that is due.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a source's lease lasts without renewal (renewed with every page).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The wait after the first failure; it doubles with each failure that follows, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The wait before the next attempt after <paramref name="failures"/> failures in a row.</summary>
    public TimeSpan RetryDelay(int failures)
    {
        var delay = FirstRetryDelay * Math.Pow(2, Math.Min(Math.Max(failures - 1, 0), 20));
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    public CatalogSourceOptions? Find(string name) => Sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}

/// <summary>Checks every source at start, so that a wrong entry stops the start with its path in the message.</summary>
internal sealed class CatalogSyncOptionsValidator : IValidateOptions<CatalogSyncOptions>
{
    public ValidateOptionsResult Validate(string? name, CatalogSyncOptions options)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            var path = $"{CatalogSyncOptions.SectionName}:{i}";
            if (string.IsNullOrWhiteSpace(source.Name) || source.Name.Length > 48 || source.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                errors.Add($"{path}:Name must be 1 to 48 letters, digits, '-', '_' or '.', not '{source.Name}'.");
            }
            else if (!names.Add(source.Name))
            {
                errors.Add($"{path}:Name '{source.Name}' is used by another source.");
            }

            if (!Enum.IsDefined(source.Kind))
            {
                errors.Add($"{path}:Kind must be InvenioRdm or OaiPmh.");
            }

            if (!Uri.TryCreate(source.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                errors.Add($"{path}:Url must be an absolute http or https URL, not '{source.Url}'.");
            }

            if (source.Kind == CatalogSourceKind.OaiPmh && string.IsNullOrWhiteSpace(source.MetadataPrefix))
            {
                errors.Add($"{path}:MetadataPrefix must be set (oai_datacite or oai_dc).");
            }

            Pattern(source.CommunitySetPattern, "{community}", "CommunitySetPattern");
            Pattern(source.RecidPattern, "{recid}", "RecidPattern");
            Pattern(source.DoiPattern, "{recid}", "DoiPattern");
            if (source.PageSize is < 1 or > 1000)
            {
                errors.Add($"{path}:PageSize must be between 1 and 1000.");
            }

            if (source.Interval < TimeSpan.FromMinutes(1) || source.Interval > TimeSpan.FromDays(7))
            {
                errors.Add($"{path}:Interval must be between 1 minute and 7 days.");
            }

            void Pattern(string? pattern, string placeholder, string setting)
            {
                if (pattern is not null && CatalogPattern.Parse(pattern, placeholder) is null)
                {
                    errors.Add($"{path}:{setting} must hold {placeholder} once, not '{pattern}'.");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>A text with one placeholder (<c>user-{community}</c>): what stands in its place in a text that matches it.</summary>
internal sealed record CatalogPattern(string Prefix, string Suffix)
{
    public static CatalogPattern? Parse(string pattern, string placeholder)
    {
        var at = pattern.IndexOf(placeholder, StringComparison.Ordinal);
        if (at < 0 || pattern.IndexOf(placeholder, at + placeholder.Length, StringComparison.Ordinal) >= 0)
        {
            return null;
        }

        return new CatalogPattern(pattern[..at], pattern[(at + placeholder.Length)..]);
    }

    /// <summary>The placeholder's value in <paramref name="text"/>, or null when the text does not match.</summary>
    public string? Match(string text) =>
        text.Length > Prefix.Length + Suffix.Length && text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && text.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase)
            ? text[Prefix.Length..^Suffix.Length]
            : null;
}
