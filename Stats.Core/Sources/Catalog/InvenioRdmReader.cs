using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Sources.Catalog;

/// <summary>
/// Reads a catalog from InvenioRDM's REST API (docs/invenio.md#inveniordm-rest-api): <c>/api/records</c> sorted by
/// update (every version, deleted ones too when the token may see them), within <c>updated</c> windows; its search
/// stops at <see cref="MaxHits"/> hits, so a window holding more is split in two until each half fits. Community ids
/// (UUIDs) become the slugs <c>/api/communities</c> gives, with their titles.
/// </summary>
internal sealed class InvenioRdmReader(HttpClient http, CatalogSourceOptions source, TimeProvider clock) : ICatalogReader
{
    /// <summary>InvenioRDM's search answers at most this many hits per query (its index's max_result_window).</summary>
    public const int MaxHits = 10_000;

    private readonly Dictionary<string, string> _slugs = new(StringComparer.Ordinal);

    private string BaseUrl => source.Url.TrimEnd('/');

    public async Task<IReadOnlyList<CommunityName>> CommunitiesAsync(CancellationToken cancellationToken)
    {
        var communities = new List<CommunityName>();
        string? url = $"{BaseUrl}/api/communities?size={source.PageSize}&sort=oldest";
        while (url is not null)
        {
            using var answer = await GetJsonAsync(url, "/api/communities", cancellationToken);
            foreach (var hit in HitsOf(answer.RootElement, "/api/communities"))
            {
                if (Text(hit, "id") is not { } id)
                {
                    continue;
                }

                var slug = Text(hit, "slug") is { } s && IdRules.IdProblem(s) is null ? s : id;
                _slugs[id] = slug;
                var title = hit.TryGetProperty("metadata", out var metadata) ? Text(metadata, "title") : null;
                communities.Add(new CommunityName(slug, OaiPmhReader.Truncate(title, 256)));
            }

            url = NextOf(answer.RootElement);
        }

        return communities;
    }

    public async IAsyncEnumerable<CatalogPage> ReadAsync(DateTime? since, string? cursor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var from = cursor is not null && DateTime.TryParse(cursor, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var resumed)
            ? resumed
            : since;
        // The pass ends where it began: what changes meanwhile is the next pass's (its bookmark is at most this).
        var until = Milliseconds(clock.GetUtcNow().UtcDateTime).AddMilliseconds(1);
        await foreach (var page in WindowAsync(from, until, cancellationToken))
        {
            yield return page;
        }
    }

    /// <summary>The records updated in [<paramref name="from"/>, <paramref name="to"/>), split while a window holds more than the search answers.</summary>
    private async IAsyncEnumerable<CatalogPage> WindowAsync(DateTime? from, DateTime to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var url = SearchUrl(from, to);
        var answer = await GetJsonAsync(url, "/api/records", cancellationToken);
        try
        {
            var total = TotalOf(answer.RootElement);
            if (total > MaxHits)
            {
                // Sorted by update: the first hit is the earliest, a lower bound for an open window.
                var lower = from ?? FirstUpdated(answer.RootElement) ?? to;
                if (to - lower > TimeSpan.FromMilliseconds(1))
                {
                    var middle = Milliseconds(lower + ((to - lower) / 2));
                    answer.Dispose();
                    await foreach (var page in WindowAsync(lower, middle, cancellationToken))
                    {
                        yield return page;
                    }

                    await foreach (var page in WindowAsync(middle, to, cancellationToken))
                    {
                        yield return page;
                    }

                    yield break;
                }
            }

            var reachable = 0;
            while (true)
            {
                var page = PageOf(answer.RootElement);
                reachable += page.Entries.Count + page.Problems.Count;
                var next = NextOf(answer.RootElement);
                if (next is null && total > reachable && total > MaxHits)
                {
                    // More than the search answers share one millisecond: nothing can reach the rest.
                    page = page with { Problems = [.. page.Problems, new CatalogProblem($"updated from {from ?? DateTime.MinValue:O}", $"{total - reachable:N0} records updated within one millisecond are beyond the search's {MaxHits:N0} hits")] };
                }

                yield return page;
                if (next is null)
                {
                    yield break;
                }

                answer.Dispose();
                answer = await GetJsonAsync(next, "/api/records", cancellationToken);
            }
        }
        finally
        {
            answer.Dispose();
        }
    }

    private string SearchUrl(DateTime? from, DateTime to)
    {
        var query = $"updated:[{(from is { } f ? Quoted(f) : "*")} TO {Quoted(to)}}}";
        var url = $"{BaseUrl}/api/records?q={Uri.EscapeDataString(query)}&sort=updated-asc&size={source.PageSize}&allversions=true";
        return string.IsNullOrEmpty(source.Token) ? url : url + "&include_deleted=1";

        static string Quoted(DateTime at) => "\"" + at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + "\"";
    }

    private CatalogPage PageOf(JsonElement root)
    {
        var entries = new List<CatalogEntry>();
        var problems = new List<CatalogProblem>();
        foreach (var hit in HitsOf(root, "/api/records"))
        {
            var (entry, problem) = Read(hit);
            if (entry is not null)
            {
                entries.Add(entry);
            }
            else
            {
                problems.Add(problem!);
            }
        }

        var latest = entries.Count == 0 ? (DateTime?)null : entries.Max(e => e.Updated);
        return new CatalogPage(entries, problems, latest?.ToString("O", CultureInfo.InvariantCulture), latest);
    }

    private (CatalogEntry? Entry, CatalogProblem? Problem) Read(JsonElement hit)
    {
        var recid = Text(hit, "id");
        if (recid is null)
        {
            return (null, new CatalogProblem("(no id)", "the record has no id"));
        }

        if (IdRules.IdProblem(recid) is { } idProblem)
        {
            return (null, new CatalogProblem(recid, $"the id {idProblem}"));
        }

        if (Time(Text(hit, "updated")) is not { } updated)
        {
            return (null, new CatalogProblem(recid, "the record's updated is not a date and time"));
        }

        var deleted = (hit.TryGetProperty("deletion_status", out var deletion) && deletion.ValueKind == JsonValueKind.Object
                && deletion.TryGetProperty("is_deleted", out var isDeleted) && isDeleted.ValueKind == JsonValueKind.True)
            || (hit.TryGetProperty("tombstone", out var tombstone) && tombstone.ValueKind == JsonValueKind.Object);
        if (deleted)
        {
            return (new CatalogEntry(recid, updated) { Deleted = true }, null);
        }

        var parent = hit.TryGetProperty("parent", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var metadata = hit.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var parentId = parent.ValueKind == JsonValueKind.Object ? Text(parent, "id") : null;
        return (new CatalogEntry(recid, updated)
        {
            ParentRecid = parentId is not null && IdRules.IdProblem(parentId) is null ? parentId : null,
            Title = metadata.ValueKind == JsonValueKind.Object ? OaiPmhReader.Truncate(Text(metadata, "title"), IdRules.MaxTextLength) : null,
            PublishedAt = metadata.ValueKind == JsonValueKind.Object ? PublicationDate(Text(metadata, "publication_date")) : null,
            ResourceType = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("resource_type", out var type) && type.ValueKind == JsonValueKind.Object
                ? OaiPmhReader.Truncate(Text(type, "id"), 64) : null,
            AccessRight = hit.TryGetProperty("access", out var access) && access.ValueKind == JsonValueKind.Object ? AccessOf(access) : null,
            Communities = CommunitiesOf(parent),
            OwnerId = OwnerOf(parent),
            Files = FilesOf(hit),
        }, null);
    }

    /// <summary>
    /// InvenioRDM's two access levels as one right: files behind an active embargo are embargoed, restricted files of a
    /// public record are restricted, a restricted record is closed, and the rest is open.
    /// </summary>
    internal static AccessRight? AccessOf(JsonElement access)
    {
        var record = Text(access, "record");
        var files = Text(access, "files");
        if (record is null && files is null)
        {
            return null;
        }

        if (access.TryGetProperty("embargo", out var embargo) && embargo.ValueKind == JsonValueKind.Object
            && embargo.TryGetProperty("active", out var active) && active.ValueKind == JsonValueKind.True)
        {
            return AccessRight.Embargoed;
        }

        return record == "restricted" ? AccessRight.Closed : files == "restricted" ? AccessRight.Restricted : AccessRight.Open;
    }

    private IReadOnlyList<string>? CommunitiesOf(JsonElement parent)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty("communities", out var communities) || communities.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (!communities.TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. ids.EnumerateArray().Select(i => i.GetString()).OfType<string>()
            .Select(id => _slugs.GetValueOrDefault(id, id)).Where(id => IdRules.IdProblem(id) is null).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The owner: <c>parent.access.owned_by</c>, an object since InvenioRDM 11, a list of them before.</summary>
    private static string? OwnerOf(JsonElement parent)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty("access", out var access) || access.ValueKind != JsonValueKind.Object
            || !access.TryGetProperty("owned_by", out var owner))
        {
            return null;
        }

        var first = owner.ValueKind == JsonValueKind.Array ? owner.EnumerateArray().FirstOrDefault() : owner;
        if (first.ValueKind != JsonValueKind.Object || !first.TryGetProperty("user", out var user))
        {
            return null;
        }

        var id = user.ValueKind == JsonValueKind.Number ? user.GetRawText() : user.ValueKind == JsonValueKind.String ? user.GetString() : null;
        return id is not null && IdRules.IdProblem(id) is null ? id : null;
    }

    /// <summary>The files (<c>files.entries</c>, keyed by file name) with their bucket, which download events name.</summary>
    private static List<CatalogFile> FilesOf(JsonElement hit)
    {
        if (!hit.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Object || !files.TryGetProperty("entries", out var entries))
        {
            return [];
        }

        var values = entries.ValueKind switch
        {
            JsonValueKind.Object => entries.EnumerateObject().Select(e => e.Value),
            JsonValueKind.Array => entries.EnumerateArray(),
            _ => [],
        };
        var list = new List<CatalogFile>();
        foreach (var file in values.Where(f => f.ValueKind == JsonValueKind.Object))
        {
            var key = OaiPmhReader.Truncate(Text(file, "key"), IdRules.MaxTextLength);
            if (key is null)
            {
                continue;
            }

            var size = file.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var bytes) ? bytes : (long?)null;
            var bucket = Text(file, "bucket_id");
            list.Add(new CatalogFile(key, size, bucket is { Length: <= 64 } && IdRules.IdProblem(bucket) is null ? bucket : null));
        }

        return list;
    }

    /// <summary>A publication date (EDTF: a day, month or year, or an interval whose start counts).</summary>
    private static DateTime? PublicationDate(string? text) => OaiPmhReader.ParseDate(text?.Split('/')[0]);

    private static DateTime? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.UtcDateTime : null;

    private static DateTime Milliseconds(DateTime at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    private static DateTime? FirstUpdated(JsonElement root) =>
        HitsOf(root, "/api/records").Select(h => Time(Text(h, "updated"))).FirstOrDefault(t => t is not null);

    private static long TotalOf(JsonElement root)
    {
        var total = root.GetProperty("hits").TryGetProperty("total", out var t) ? t : default;
        // InvenioRDM answers a number; a search engine's own shape is {"value": n}.
        return total.ValueKind switch
        {
            JsonValueKind.Number => total.GetInt64(),
            JsonValueKind.Object when total.TryGetProperty("value", out var value) => value.GetInt64(),
            _ => 0,
        };
    }

    private static IEnumerable<JsonElement> HitsOf(JsonElement root, string what)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("hits", out var hits) || hits.ValueKind != JsonValueKind.Object
            || !hits.TryGetProperty("hits", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new CatalogSourceException($"{what} answered JSON without hits.hits: not an InvenioRDM search answer.");
        }

        return list.EnumerateArray().Where(h => h.ValueKind == JsonValueKind.Object);
    }

    private static string? NextOf(JsonElement root) =>
        root.TryGetProperty("links", out var links) && links.ValueKind == JsonValueKind.Object ? Text(links, "next") : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<JsonDocument> GetJsonAsync(string url, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(source.Token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", source.Token);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new CatalogSourceException($"{what} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        try
        {
            var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            if (what == "/api/records")
            {
                _ = HitsOf(document.RootElement, what);
                if (!document.RootElement.GetProperty("hits").TryGetProperty("total", out _))
                {
                    document.Dispose();
                    throw new CatalogSourceException($"{what} answered JSON without hits.total: not an InvenioRDM search answer.");
                }
            }

            return document;
        }
        catch (JsonException ex)
        {
            throw new CatalogSourceException($"{what} answered JSON that is not well-formed ({ex.Message})", ex);
        }
    }
}
