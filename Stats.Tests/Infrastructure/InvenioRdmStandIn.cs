using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Stats.Tests.Infrastructure;

/// <summary>A record of the InvenioRDM stand-in, with the fields its records API serialises.</summary>
public sealed record RdmRecord(string Id, string ParentId, DateTime Updated)
{
    public string Title { get; init; } = "A record";

    public string PublicationDate { get; init; } = "2024-01-15";

    public string ResourceType { get; init; } = "dataset";

    /// <summary><c>access.record</c>: public or restricted.</summary>
    public string RecordAccess { get; init; } = "public";

    /// <summary><c>access.files</c>: public or restricted.</summary>
    public string FilesAccess { get; init; } = "public";

    public bool Embargoed { get; init; }

    /// <summary><c>parent.communities.ids</c>: community UUIDs.</summary>
    public IReadOnlyList<string> Communities { get; init; } = [];

    /// <summary><c>parent.access.owned_by.user</c>.</summary>
    public string? Owner { get; init; } = "1";

    public IReadOnlyList<(string Key, long Size, string BucketId)> Files { get; init; } = [];

    /// <summary>Deleted: a tombstone, and only visible to a token that may see deleted records.</summary>
    public bool Deleted { get; init; }
}

/// <summary>
/// InvenioRDM's REST API on loopback, in the shapes of its documentation (inveniordm.docs.cern.ch, reference/rest_api_*):
/// <c>GET /api/records</c> with <c>q</c> (an <c>updated:[a TO b}</c> range), <c>sort=updated-asc</c>, <c>size</c>,
/// <c>page</c>, <c>allversions</c> and <c>include_deleted</c> (for a bearer token only); answers
/// <c>{"hits": {"hits": [...], "total": n}, "links": {"self", "next"}}</c> and refuses to page beyond 10,000 hits, as
/// its search engine does. <c>GET /api/communities</c> lists communities (id, slug, metadata.title).
/// </summary>
public sealed partial class InvenioRdmStandIn : IAsyncDisposable
{
    public const int MaxResultWindow = 10_000;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, RdmRecord> _records = new(StringComparer.Ordinal);

    private InvenioRdmStandIn(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The token that sees deleted records; null: nobody does.</summary>
    public string? Token { get; set; }

    /// <summary>The communities: id (UUID) → (slug, title).</summary>
    public Dictionary<string, (string Slug, string Title)> Communities { get; } = new(StringComparer.Ordinal);

    /// <summary>Which records answers (by their 0-based number) are cut off mid-document.</summary>
    public Func<int, bool> Malformed { get; set; } = _ => false;

    private int _recordsCalls;

    /// <summary>Every records query (its q), in order.</summary>
    public ConcurrentQueue<string> RecordQueries { get; } = new();

    public static async Task<InvenioRdmStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new InvenioRdmStandIn(app);
        app.MapGet("/api/records", standIn.Records);
        app.MapGet("/api/communities", standIn.ListCommunities);
        await app.StartAsync(TestContext.Current.CancellationToken);
        standIn.BaseUrl = new Uri(app.Urls.Single());
        return standIn;
    }

    public void Put(params RdmRecord[] records)
    {
        foreach (var record in records)
        {
            _records[record.Id] = record;
        }
    }

    private IResult Records(HttpRequest request)
    {
        var q = (string?)request.Query["q"] ?? "";
        RecordQueries.Enqueue(q);
        var size = int.TryParse(request.Query["size"], out var s) ? s : 10;
        var page = int.TryParse(request.Query["page"], out var p) ? p : 1;
        if (page * size > MaxResultWindow)
        {
            return Results.Json(new { status = 400, message = "Invalid pagination parameters: max result window exceeded." }, statusCode: 400);
        }

        var seesDeleted = Token is not null && request.Headers.Authorization == $"Bearer {Token}" && request.Query["include_deleted"] == "1";
        var (from, fromInclusive, to, toInclusive) = Range(q);
        var matching = _records.Values
            .Where(r => seesDeleted || !r.Deleted)
            .Where(r => request.Query["allversions"] == "true" || IsLatest(r))
            .Where(r => from is null || (fromInclusive ? r.Updated >= from : r.Updated > from))
            .Where(r => to is null || (toInclusive ? r.Updated <= to : r.Updated < to))
            .OrderBy(r => r.Updated).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var hits = new JsonArray([.. matching.Skip((page - 1) * size).Take(size).Select(Json)]);
        var links = new JsonObject { ["self"] = Link(request, page) };
        if (page * size < matching.Count && (page + 1) * size <= MaxResultWindow)
        {
            links["next"] = Link(request, page + 1);
        }

        var answer = new JsonObject
        {
            ["hits"] = new JsonObject { ["hits"] = hits, ["total"] = matching.Count },
            ["aggregations"] = new JsonObject(),
            ["sortBy"] = (string?)request.Query["sort"] ?? "bestmatch",
            ["links"] = links,
        };
        var json = answer.ToJsonString();
        return Results.Text(Malformed(Interlocked.Increment(ref _recordsCalls) - 1) ? json[..(json.Length / 2)] : json, "application/json");
    }

    private bool IsLatest(RdmRecord record) =>
        _records.Values.Where(r => r.ParentId == record.ParentId && !r.Deleted).MaxBy(r => r.Updated)?.Id == record.Id;

    private IResult ListCommunities(HttpRequest request)
    {
        var hits = new JsonArray([.. Communities.Select(c => (JsonNode)new JsonObject
        {
            ["id"] = c.Key,
            ["slug"] = c.Value.Slug,
            ["metadata"] = new JsonObject { ["title"] = c.Value.Title, ["type"] = new JsonObject { ["id"] = "organization" } },
            ["access"] = new JsonObject { ["visibility"] = "public" },
        })]);
        var answer = new JsonObject
        {
            ["hits"] = new JsonObject { ["hits"] = hits, ["total"] = Communities.Count },
            ["links"] = new JsonObject { ["self"] = Link(request, 1) },
        };
        return Results.Text(answer.ToJsonString(), "application/json");
    }

    private static JsonNode Json(RdmRecord r)
    {
        var record = new JsonObject
        {
            ["id"] = r.Id,
            ["created"] = Time(r.Updated.AddDays(-1)),
            ["updated"] = Time(r.Updated),
            ["is_published"] = true,
            ["pids"] = new JsonObject { ["doi"] = new JsonObject { ["identifier"] = $"10.1234/{r.Id}", ["provider"] = "datacite" } },
            ["parent"] = new JsonObject
            {
                ["id"] = r.ParentId,
                ["access"] = new JsonObject { ["owned_by"] = r.Owner is null ? null : new JsonObject { ["user"] = r.Owner } },
                ["communities"] = new JsonObject { ["ids"] = new JsonArray([.. r.Communities.Select(c => (JsonNode)c)]), ["default"] = r.Communities.Count > 0 ? r.Communities[0] : null },
            },
            ["access"] = new JsonObject
            {
                ["record"] = r.RecordAccess,
                ["files"] = r.FilesAccess,
                ["embargo"] = new JsonObject { ["active"] = r.Embargoed, ["until"] = r.Embargoed ? "2099-01-01" : null, ["reason"] = null },
                ["status"] = r.Embargoed ? "embargoed" : r.RecordAccess == "public" && r.FilesAccess == "public" ? "open" : "restricted",
            },
            ["metadata"] = new JsonObject
            {
                ["resource_type"] = new JsonObject { ["id"] = r.ResourceType, ["title"] = new JsonObject { ["en"] = r.ResourceType } },
                ["title"] = r.Title,
                ["publication_date"] = r.PublicationDate,
                ["creators"] = new JsonArray(new JsonObject { ["person_or_org"] = new JsonObject { ["name"] = "Doe, Jane", ["type"] = "personal" } }),
            },
            ["files"] = new JsonObject
            {
                ["enabled"] = r.Files.Count > 0,
                ["count"] = r.Files.Count,
                ["total_bytes"] = r.Files.Sum(f => f.Size),
                ["entries"] = new JsonObject(r.Files.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)new JsonObject
                {
                    ["key"] = f.Key,
                    ["size"] = f.Size,
                    ["bucket_id"] = f.BucketId,
                    ["file_id"] = Guid.NewGuid().ToString(),
                    ["mimetype"] = "application/octet-stream",
                    ["status"] = "completed",
                }))),
            },
            ["versions"] = new JsonObject { ["index"] = 1, ["is_latest"] = true },
        };
        if (r.Deleted)
        {
            record["deletion_status"] = new JsonObject { ["is_deleted"] = true, ["status"] = "D" };
            record["tombstone"] = new JsonObject { ["removal_reason"] = new JsonObject { ["id"] = "spam" }, ["is_visible"] = true };
        }

        return record;
    }

    /// <summary>The bounds of an <c>updated:[a TO b}</c> query (quoted or not, <c>*</c> for open).</summary>
    private static (DateTime? From, bool FromInclusive, DateTime? To, bool ToInclusive) Range(string q)
    {
        var match = RangePattern().Match(q);
        if (!match.Success)
        {
            return (null, true, null, true);
        }

        return (Bound(match.Groups["from"].Value), match.Groups["open"].Value == "[", Bound(match.Groups["to"].Value), match.Groups["close"].Value == "]");

        static DateTime? Bound(string text) => text.Trim('"') is var t && t == "*" ? null
            : DateTimeOffset.Parse(t.Replace("\\:", ":", StringComparison.Ordinal), CultureInfo.InvariantCulture).UtcDateTime;
    }

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);

    private static string Link(HttpRequest request, int page)
    {
        var query = request.Query.Where(p => p.Key != "page").Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value.ToString())}").Append($"page={page}");
        return $"{request.Scheme}://{request.Host}{request.Path}?{string.Join('&', query)}";
    }

    [GeneratedRegex("""updated:(?<open>[\[{])(?<from>"[^"]*"|\S+) TO (?<to>"[^"]*"|[^\]}]+)(?<close>[\]}])""")]
    private static partial Regex RangePattern();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
