using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml;
using System.Xml.Linq;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Sources.Catalog;

/// <summary>
/// Reads a catalog over OAI-PMH 2.0 (docs/invenio.md#oai-pmh-20): <c>ListRecords</c> in <c>oai_datacite</c> (or plain
/// <c>datacite</c>) or <c>oai_dc</c>, page by page through resumption tokens, from a <c>from</c> date at the
/// repository's granularity; communities are the sets that match <see cref="CatalogSourceOptions.CommunitySetPattern"/>,
/// named by <c>ListSets</c>.
/// </summary>
internal sealed class OaiPmhReader(HttpClient http, CatalogSourceOptions source) : ICatalogReader
{
    private static readonly XNamespace s_oai = "http://www.openarchives.org/OAI/2.0/";
    private static readonly XNamespace s_dc = "http://purl.org/dc/elements/1.1/";

    private readonly CatalogPattern? _communitySets = source.CommunitySetPattern is { } p ? CatalogPattern.Parse(p, "{community}") : null;
    private readonly CatalogPattern? _recids = source.RecidPattern is { } p ? CatalogPattern.Parse(p, "{recid}") : null;
    private readonly CatalogPattern? _dois = source.DoiPattern is { } p ? CatalogPattern.Parse(p, "{recid}") : null;

    public async Task<IReadOnlyList<CommunityName>> CommunitiesAsync(CancellationToken cancellationToken)
    {
        var communities = new List<CommunityName>();
        if (_communitySets is null)
        {
            return communities;
        }

        string? token = null;
        do
        {
            var answer = await GetAsync(token is null ? "verb=ListSets" : $"verb=ListSets&resumptionToken={Uri.EscapeDataString(token)}", cancellationToken);
            if (ErrorOf(answer) is { } error)
            {
                // A repository without sets says so with noSetHierarchy: no communities, not a failure.
                if (error.Code == "noSetHierarchy")
                {
                    return communities;
                }

                throw Failure("ListSets", error);
            }

            var list = answer.Element(s_oai + "ListSets");
            foreach (var set in list?.Elements(s_oai + "set") ?? [])
            {
                if (_communitySets.Match((string?)set.Element(s_oai + "setSpec") ?? "") is { } community && IdRules.IdProblem(community) is null)
                {
                    communities.Add(new CommunityName(community, Truncate((string?)set.Element(s_oai + "setName"), 256)));
                }
            }

            token = TokenOf(list);
        }
        while (token is not null);
        return communities;
    }

    public async IAsyncEnumerable<CatalogPage> ReadAsync(DateTime? since, string? cursor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var token = cursor;
        var restarted = false;
        var first = token is null ? await FirstRequestAsync(since, cancellationToken) : null;
        while (true)
        {
            var answer = await GetAsync(token is null ? first! : $"verb=ListRecords&resumptionToken={Uri.EscapeDataString(token)}", cancellationToken);
            if (ErrorOf(answer) is { } error)
            {
                if (error.Code == "noRecordsMatch")
                {
                    // The protocol's way of saying "nothing changed since": an empty list, not a failure.
                    yield break;
                }

                if (error.Code == "badResumptionToken" && token is not null && !restarted)
                {
                    // The repository forgot the token (expired, restarted): the protocol's remedy is to list again from the start.
                    restarted = true;
                    token = null;
                    first = await FirstRequestAsync(since, cancellationToken);
                    continue;
                }

                throw Failure("ListRecords", error);
            }

            var list = answer.Element(s_oai + "ListRecords") ?? throw new CatalogSourceException("ListRecords answered without a ListRecords element.");
            var entries = new List<CatalogEntry>();
            var problems = new List<CatalogProblem>();
            foreach (var record in list.Elements(s_oai + "record"))
            {
                var (entry, problem) = Read(record);
                if (entry is not null)
                {
                    entries.Add(entry);
                }
                else
                {
                    problems.Add(problem!);
                }
            }

            token = TokenOf(list);
            yield return new CatalogPage(entries, problems, token, entries.Count == 0 ? null : entries.Max(e => e.Updated));
            if (token is null)
            {
                yield break;
            }
        }
    }

    private async Task<string> FirstRequestAsync(DateTime? since, CancellationToken cancellationToken)
    {
        var request = $"verb=ListRecords&metadataPrefix={Uri.EscapeDataString(source.MetadataPrefix)}";
        if (since is { } from)
        {
            request += "&from=" + Uri.EscapeDataString(await FormatDateAsync(from, cancellationToken));
        }

        if (!string.IsNullOrEmpty(source.Set))
        {
            request += "&set=" + Uri.EscapeDataString(source.Set);
        }

        return request;
    }

    /// <summary>A date at the repository's granularity (Identify): a day-granular repository refuses seconds.</summary>
    private async Task<string> FormatDateAsync(DateTime at, CancellationToken cancellationToken)
    {
        var identify = await GetAsync("verb=Identify", cancellationToken);
        var granularity = (string?)identify.Element(s_oai + "Identify")?.Element(s_oai + "granularity");
        return granularity == "YYYY-MM-DD"
            ? at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    private (CatalogEntry? Entry, CatalogProblem? Problem) Read(XElement record)
    {
        var header = record.Element(s_oai + "header");
        var identifier = (string?)header?.Element(s_oai + "identifier") ?? "";
        var recid = _recids is null ? identifier[(identifier.LastIndexOf(':') + 1)..] : _recids.Match(identifier);
        if (recid is null || recid.Length == 0)
        {
            return (null, new CatalogProblem(identifier, $"the identifier does not match RecidPattern '{source.RecidPattern}'"));
        }

        if (IdRules.IdProblem(recid) is { } idProblem)
        {
            return (null, new CatalogProblem(identifier, $"the recid {idProblem}"));
        }

        if (ParseDate((string?)header!.Element(s_oai + "datestamp")) is not { } datestamp)
        {
            return (null, new CatalogProblem(identifier, "the datestamp is not a UTC date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)"));
        }

        if ((string?)header.Attribute("status") == "deleted")
        {
            return (new CatalogEntry(recid, datestamp) { Deleted = true }, null);
        }

        var communities = _communitySets is null ? null
            : header.Elements(s_oai + "setSpec").Select(s => _communitySets.Match(s.Value)).OfType<string>()
                .Where(c => IdRules.IdProblem(c) is null).Distinct(StringComparer.Ordinal).ToList();
        var metadata = record.Element(s_oai + "metadata")?.Elements().FirstOrDefault();
        if (metadata is null)
        {
            return (null, new CatalogProblem(identifier, "the record has no metadata"));
        }

        var entry = new CatalogEntry(recid, datestamp) { Communities = communities };
        var resource = metadata.DescendantsAndSelf().FirstOrDefault(e => e.Name.LocalName == "resource" && e.Name.NamespaceName.StartsWith("http://datacite.org/schema/kernel-", StringComparison.Ordinal));
        return (resource is not null ? FromDataCite(entry, resource) : FromDublinCore(entry, metadata), null);
    }

    private CatalogEntry FromDataCite(CatalogEntry entry, XElement resource)
    {
        var ns = resource.Name.Namespace;
        var titles = resource.Element(ns + "titles")?.Elements(ns + "title").ToList() ?? [];
        var title = titles.FirstOrDefault(t => t.Attribute("titleType") is null) ?? titles.FirstOrDefault();
        var issued = resource.Element(ns + "dates")?.Elements(ns + "date").FirstOrDefault(d => (string?)d.Attribute("dateType") == "Issued");
        var published = ParseDate((string?)issued) ?? ParseDate((string?)resource.Element(ns + "publicationYear"));
        var rights = resource.Element(ns + "rightsList")?.Elements(ns + "rights")
            .SelectMany(r => new[] { (string?)r.Attribute("rightsURI"), r.Value }).OfType<string>() ?? [];
        var versionOf = resource.Element(ns + "relatedIdentifiers")?.Elements(ns + "relatedIdentifier")
            .FirstOrDefault(r => (string?)r.Attribute("relationType") == "IsVersionOf" && string.Equals((string?)r.Attribute("relatedIdentifierType"), "DOI", StringComparison.OrdinalIgnoreCase));
        var type = (string?)resource.Element(ns + "resourceType")?.Attribute("resourceTypeGeneral");
        return entry with
        {
            Title = Truncate(title?.Value.Trim(), IdRules.MaxTextLength),
            PublishedAt = published,
            ResourceType = Truncate(type?.ToLowerInvariant(), 64),
            AccessRight = AccessOf(rights),
            ParentRecid = versionOf is null ? null : ParentOf(versionOf.Value),
        };
    }

    private static CatalogEntry FromDublinCore(CatalogEntry entry, XElement dc)
    {
        var types = dc.Elements(s_dc + "type").Select(t => t.Value.Trim()).ToList();
        var type = types.FirstOrDefault(t => !t.StartsWith("info:", StringComparison.Ordinal)) ?? types.FirstOrDefault()?.Split('/')[^1];
        return entry with
        {
            Title = Truncate(dc.Elements(s_dc + "title").FirstOrDefault()?.Value.Trim(), IdRules.MaxTextLength),
            PublishedAt = dc.Elements(s_dc + "date").Select(d => ParseDate(d.Value)).FirstOrDefault(d => d is not null),
            ResourceType = Truncate(type?.ToLowerInvariant(), 64),
            AccessRight = AccessOf(dc.Elements(s_dc + "rights").Select(r => r.Value)),
        };
    }

    /// <summary>The concept a version belongs to: the recid in its <c>IsVersionOf</c> DOI, by <see cref="CatalogSourceOptions.DoiPattern"/>.</summary>
    private string? ParentOf(string doi)
    {
        var bare = doi.Trim();
        foreach (var prefix in (string[])["https://doi.org/", "http://doi.org/", "http://dx.doi.org/", "doi:"])
        {
            if (bare.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                bare = bare[prefix.Length..];
            }
        }

        return _dois?.Match(bare) is { } recid && IdRules.IdProblem(recid) is null ? recid : null;
    }

    /// <summary>The access right of the EU repositories vocabulary (<c>info:eu-repo/semantics/openAccess</c>...), the OpenAIRE guidelines' rights statement.</summary>
    internal static AccessRight? AccessOf(IEnumerable<string> rights)
    {
        foreach (var right in rights)
        {
            var term = right.Trim();
            AccessRight? access = term switch
            {
                _ when term.EndsWith("/openAccess", StringComparison.OrdinalIgnoreCase) => Data.AccessRight.Open,
                _ when term.EndsWith("/embargoedAccess", StringComparison.OrdinalIgnoreCase) => Data.AccessRight.Embargoed,
                _ when term.EndsWith("/restrictedAccess", StringComparison.OrdinalIgnoreCase) => Data.AccessRight.Restricted,
                _ when term.EndsWith("/closedAccess", StringComparison.OrdinalIgnoreCase) => Data.AccessRight.Closed,
                _ => null,
            };
            if (access is not null)
            {
                return access;
            }
        }

        return null;
    }

    /// <summary>A date of the forms OAI-PMH and its metadata use (YYYY, YYYY-MM, YYYY-MM-DD, with a UTC time), as UTC; null otherwise.</summary>
    internal static DateTime? ParseDate(string? text)
    {
        string[] formats = ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd", "yyyy-MM", "yyyy"];
        return DateTime.TryParseExact(text?.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? DateTime.SpecifyKind(at, DateTimeKind.Utc)
            : null;
    }

    private async Task<XElement> GetAsync(string query, CancellationToken cancellationToken)
    {
        var url = source.Url + (source.Url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var verb = query[5..(query.IndexOf('&') is var amp and > 0 ? amp : query.Length)];
        if (!response.IsSuccessStatusCode)
        {
            throw new CatalogSourceException($"{verb} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        XDocument document;
        try
        {
            document = await XDocument.LoadAsync(body, LoadOptions.None, cancellationToken);
        }
        catch (XmlException ex)
        {
            throw new CatalogSourceException($"{verb} answered XML that is not well-formed ({ex.Message})", ex);
        }

        if (document.Root is not { } root || root.Name != s_oai + "OAI-PMH")
        {
            throw new CatalogSourceException($"{verb} answered something that is not an OAI-PMH 2.0 response (root element {document.Root?.Name.LocalName ?? "missing"}).");
        }

        return root;
    }

    private static (string Code, string Text)? ErrorOf(XElement answer) =>
        answer.Element(s_oai + "error") is { } error ? ((string?)error.Attribute("code") ?? "", error.Value.Trim()) : null;

    private static CatalogSourceException Failure(string verb, (string Code, string Text) error) =>
        new($"{verb} answered the OAI-PMH error {error.Code}{(error.Text.Length > 0 ? ": " + error.Text : "")}.");

    /// <summary>The resumption token of a list, or null on its last page (absent, or present and empty, as the protocol allows).</summary>
    private static string? TokenOf(XElement? list) =>
        list?.Element(s_oai + "resumptionToken") is { } token && token.Value.Trim() is { Length: > 0 } value ? value : null;

    /// <summary>A text as the catalog's columns hold it: controls (a title's line breaks) as spaces, cut at <paramref name="max"/>.</summary>
    internal static string? Truncate(string? text, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var clean = string.Create(text.Length, text, (span, t) =>
        {
            for (var i = 0; i < t.Length; i++)
            {
                span[i] = char.IsControl(t[i]) ? ' ' : t[i];
            }
        });
        return clean.Length > max ? clean[..max] : clean;
    }
}
