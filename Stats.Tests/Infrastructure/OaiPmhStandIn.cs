using System.Collections.Concurrent;
using System.Globalization;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Stats.Tests.Infrastructure;

/// <summary>A record of the OAI-PMH stand-in's repository, as Zenodo describes one.</summary>
public sealed record OaiRecord(string Recid, DateTime Datestamp)
{
    public IReadOnlyList<string> Sets { get; init; } = [];

    public bool Deleted { get; init; }

    public string Title { get; init; } = "A record";

    public string Rights { get; init; } = "info:eu-repo/semantics/openAccess";

    /// <summary>The DOI of the concept this record is a version of (DataCite's IsVersionOf).</summary>
    public string? VersionOf { get; init; }

    public string Issued { get; init; } = "2024-01-15";

    public string ResourceTypeGeneral { get; init; } = "Dataset";

    /// <summary>Overrides the OAI identifier (<c>oai:zenodo.org:{recid}</c> otherwise).</summary>
    public string? Identifier { get; init; }
}

/// <summary>
/// An OAI-PMH 2.0 repository on loopback, answering as the protocol specifies (openarchives.org/OAI/openarchivesprotocol.html):
/// Identify (second granularity), ListSets, ListRecords in <c>oai_dc</c> and <c>oai_datacite</c> (Zenodo's DataCite
/// kernel 4 payload), <c>from</c>/<c>until</c>/<c>set</c>, pages of <see cref="PageSize"/> with resumption tokens (an
/// empty token on the last page), deleted records (status="deleted", header only), and the errors
/// <c>noRecordsMatch</c>, <c>badResumptionToken</c>, <c>cannotDisseminateFormat</c>, <c>badArgument</c>.
/// </summary>
public sealed class OaiPmhStandIn : IAsyncDisposable
{
    private const string OaiNs = "http://www.openarchives.org/OAI/2.0/";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, OaiRecord> _records = new(StringComparer.Ordinal);
    private int _generation;
    private int _listRecordsCalls;

    private OaiPmhStandIn(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public int PageSize { get; set; } = 100;

    /// <summary>The sets (setSpec → setName) ListSets lists.</summary>
    public Dictionary<string, string> Sets { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request's query string, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Which ListRecords answers (by their 0-based number) are cut off mid-document.</summary>
    public Func<int, bool> Malformed { get; set; } = _ => false;

    /// <summary>Runs before a ListRecords answer (by its 0-based number) is sent: a source slow to answer.</summary>
    public Func<int, Task> BeforeListRecords { get; set; } = _ => Task.CompletedTask;

    public static async Task<OaiPmhStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new OaiPmhStandIn(app);
        app.MapGet("/oai2d", standIn.Answer);
        await app.StartAsync(TestContext.Current.CancellationToken);
        standIn.BaseUrl = new Uri(app.Urls.Single() + "/oai2d");
        return standIn;
    }

    /// <summary>Adds or replaces records (a new datestamp is how OAI-PMH says a record changed).</summary>
    public void Put(params OaiRecord[] records)
    {
        foreach (var record in records)
        {
            _records[record.Recid] = record;
        }
    }

    /// <summary>Forgets every resumption token handed out, as a restarted repository does.</summary>
    public void ExpireTokens() => Interlocked.Increment(ref _generation);

    private async Task<IResult> Answer(HttpRequest request)
    {
        Requests.Enqueue(request.QueryString.Value ?? "");
        var q = request.Query;
        var verb = (string?)q["verb"];
        var body = verb switch
        {
            "Identify" => Identify(),
            "ListSets" => ListSets(),
            "ListRecords" => ListRecords(q["metadataPrefix"], q["from"], q["until"], q["set"], q["resumptionToken"]),
            _ => Error("badVerb", "Illegal OAI verb"),
        };
        if (verb == "ListRecords")
        {
            var number = Interlocked.Increment(ref _listRecordsCalls) - 1;
            await BeforeListRecords(number);
            if (Malformed(number))
            {
                body = body[..(body.Length / 2)];
            }
        }

        return Results.Text(Envelope(request, body), "text/xml", Encoding.UTF8);
    }

    private static string Envelope(HttpRequest request, string body) =>
        $"""<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="{OaiNs}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="{OaiNs} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"><responseDate>{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}</responseDate><request verb="{X(request.Query["verb"])}">{X(request.Scheme + "://" + request.Host + request.Path)}</request>{body}</OAI-PMH>""";

    private static string Identify() =>
        "<Identify><repositoryName>Stand-in</repositoryName><baseURL>http://127.0.0.1/oai2d</baseURL><protocolVersion>2.0</protocolVersion>" +
        "<adminEmail>info@example.org</adminEmail><earliestDatestamp>2014-01-01T00:00:00Z</earliestDatestamp><deletedRecord>persistent</deletedRecord>" +
        "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>";

    private string ListSets() =>
        Sets.Count == 0
            ? Error("noSetHierarchy", "This repository does not support sets")
            : "<ListSets>" + string.Concat(Sets.Select(s => $"<set><setSpec>{X(s.Key)}</setSpec><setName>{X(s.Value)}</setName></set>")) + "</ListSets>";

    private string ListRecords(string? prefix, string? fromText, string? untilText, string? set, string? token)
    {
        var offset = 0;
        if (token is not null)
        {
            var parts = token.Split('|');
            if (parts.Length != 6 || parts[0] != _generation.ToString(CultureInfo.InvariantCulture))
            {
                return Error("badResumptionToken", "The value of the resumptionToken argument is invalid or expired.");
            }

            (offset, prefix, fromText, untilText, set) = (int.Parse(parts[1], CultureInfo.InvariantCulture), parts[2], Empty(parts[3]), Empty(parts[4]), Empty(parts[5]));
        }

        if (prefix is not ("oai_dc" or "oai_datacite"))
        {
            return Error(prefix is null ? "badArgument" : "cannotDisseminateFormat", "Unknown or missing metadataPrefix");
        }

        DateTime? from = fromText is null ? null : ParseDate(fromText);
        DateTime? until = untilText is null ? null : ParseDate(untilText);
        if ((fromText is not null && from is null) || (untilText is not null && until is null))
        {
            return Error("badArgument", "from and until must be UTC dates at the repository's granularity");
        }

        var matching = _records.Values
            .Where(r => (from is null || r.Datestamp >= from) && (until is null || r.Datestamp <= until) && (set is null || r.Sets.Contains(set)))
            .OrderBy(r => r.Datestamp).ThenBy(r => r.Recid, StringComparer.Ordinal).ToList();
        if (matching.Count == 0)
        {
            return Error("noRecordsMatch", "The combination of the values of the from, until, set and metadataPrefix arguments results in an empty list.");
        }

        var page = matching.Skip(offset).Take(PageSize).ToList();
        var text = new StringBuilder("<ListRecords>");
        foreach (var record in page)
        {
            text.Append(Record(record, prefix));
        }

        var next = offset + page.Count;
        if (next < matching.Count)
        {
            var resume = string.Join('|', _generation, next, prefix, fromText, untilText, set);
            text.Append(CultureInfo.InvariantCulture, $"""<resumptionToken completeListSize="{matching.Count}" cursor="{offset}">{X(resume)}</resumptionToken>""");
        }
        else if (offset > 0)
        {
            // The last page of a list that had tokens ends with an empty one.
            text.Append(CultureInfo.InvariantCulture, $"""<resumptionToken completeListSize="{matching.Count}" cursor="{offset}"/>""");
        }

        return text.Append("</ListRecords>").ToString();
    }

    private static string Record(OaiRecord r, string prefix)
    {
        var identifier = r.Identifier ?? $"oai:zenodo.org:{r.Recid}";
        var header = $"""<header{(r.Deleted ? " status=\"deleted\"" : "")}><identifier>{X(identifier)}</identifier><datestamp>{r.Datestamp:yyyy-MM-dd'T'HH:mm:ss'Z'}</datestamp>{string.Concat(r.Sets.Select(s => $"<setSpec>{X(s)}</setSpec>"))}</header>""";
        if (r.Deleted)
        {
            return $"<record>{header}</record>";
        }

        var metadata = prefix == "oai_dc"
            ? $"""<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Doe, Jane</dc:creator><dc:date>{X(r.Issued)}</dc:date><dc:description>Data.</dc:description><dc:identifier>https://zenodo.org/record/{X(r.Recid)}</dc:identifier><dc:rights>{X(r.Rights)}</dc:rights><dc:title>{X(r.Title)}</dc:title><dc:type>info:eu-repo/semantics/other</dc:type><dc:type>{X(r.ResourceTypeGeneral.ToLowerInvariant())}</dc:type></oai_dc:dc>"""
            : $"""<oai_datacite xmlns="http://schema.datacite.org/oai/oai-1.1/"><schemaVersion>4</schemaVersion><datacentreSymbol>CERN.ZENODO</datacentreSymbol><payload><resource xmlns="http://datacite.org/schema/kernel-4"><identifier identifierType="DOI">10.5281/zenodo.{X(r.Recid)}</identifier><creators><creator><creatorName>Doe, Jane</creatorName></creator></creators><titles><title>{X(r.Title)}</title></titles><publisher>Zenodo</publisher><publicationYear>{X(r.Issued[..4])}</publicationYear><dates><date dateType="Issued">{X(r.Issued)}</date></dates><resourceType resourceTypeGeneral="{X(r.ResourceTypeGeneral)}"/><relatedIdentifiers>{(r.VersionOf is null ? "" : $"<relatedIdentifier relatedIdentifierType=\"DOI\" relationType=\"IsVersionOf\">{X(r.VersionOf)}</relatedIdentifier>")}</relatedIdentifiers><rightsList><rights rightsURI="{X(r.Rights)}">Access</rights></rightsList></resource></payload></oai_datacite>""";
        return $"<record>{header}<metadata>{metadata}</metadata></record>";
    }

    private static string Error(string code, string text) => $"""<error code="{code}">{X(text)}</error>""";

    private static DateTime? ParseDate(string text) =>
        DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;

    private static string? Empty(string text) => text.Length == 0 ? null : text;

    private static string X(string? text) => SecurityElement.Escape(text ?? "");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
