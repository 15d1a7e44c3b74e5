using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Stats.Tests.Core.Import.Invenio;

/// <summary>
/// Raw invenio-stats documents and the four line formats their index dumps come in (elasticdump, search answers,
/// bulk, bare <c>_source</c>), written by the tests themselves.
/// </summary>
internal static class InvenioDumps
{
    public const string ViewIndex = "events-stats-record-view-2024-03";
    public const string DownloadIndex = "events-stats-file-download-2024-03";

    /// <summary>A 56-digit hex digest, the shape of invenio-stats' SHA-224 visitor_id and unique_session_id.</summary>
    public static string Digest(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("invenio|" + seed))[..28]);

    /// <summary>An InvenioRDM view (recid, parent_recid, via_api, is_machine).</summary>
    public static JsonObject RdmView(string recid, string parent, string at, string visitor, string session, string? country, bool robot = false, bool machine = false) => new()
    {
        ["timestamp"] = at,
        ["recid"] = recid,
        ["parent_recid"] = parent,
        ["record_id"] = Guid.NewGuid().ToString(),
        ["pid_type"] = "recid",
        ["pid_value"] = recid,
        ["via_api"] = false,
        ["country"] = country,
        ["visitor_id"] = Digest(visitor),
        ["unique_session_id"] = Digest(session),
        ["is_robot"] = robot,
        ["is_machine"] = machine,
        ["unique_id"] = "ui_" + recid,
        ["updated_timestamp"] = at,
    };

    /// <summary>An invenio-stats (contrib) view: the record only as pid_value, no machine flag.</summary>
    public static JsonObject ContribView(string pidValue, string at, string visitor, string session, string? country, bool robot = false) => new()
    {
        ["timestamp"] = at,
        ["record_id"] = Guid.NewGuid().ToString(),
        ["pid_type"] = "recid",
        ["pid_value"] = pidValue,
        ["labels"] = new JsonArray(),
        ["country"] = country,
        ["visitor_id"] = Digest(visitor),
        ["unique_session_id"] = Digest(session),
        ["is_robot"] = robot,
        ["unique_id"] = "recid_" + pidValue,
        ["updated_timestamp"] = at,
    };

    /// <summary>An InvenioRDM download: recid and bucket_id together (which teaches the bucket → record map).</summary>
    public static JsonObject RdmDownload(string recid, string parent, string bucket, string key, long size, string at, string visitor, string session, string? country) => new()
    {
        ["timestamp"] = at,
        ["recid"] = recid,
        ["parent_recid"] = parent,
        ["bucket_id"] = bucket,
        ["file_id"] = Guid.NewGuid().ToString(),
        ["file_key"] = key,
        ["size"] = size,
        ["via_api"] = false,
        ["country"] = country,
        ["visitor_id"] = Digest(visitor),
        ["unique_session_id"] = Digest(session),
        ["is_robot"] = false,
        ["is_machine"] = false,
        ["unique_id"] = bucket + "_" + key,
        ["updated_timestamp"] = at,
    };

    /// <summary>An invenio-stats (contrib) download: a bucket and a key, no recid.</summary>
    public static JsonObject ContribDownload(string bucket, string key, long size, string at, string visitor, string session, string? country) => new()
    {
        ["timestamp"] = at,
        ["bucket_id"] = bucket,
        ["file_id"] = Guid.NewGuid().ToString(),
        ["file_key"] = key,
        ["size"] = size,
        ["collection"] = null,
        ["country"] = country,
        ["visitor_id"] = Digest(visitor),
        ["unique_session_id"] = Digest(session),
        ["is_robot"] = false,
        ["unique_id"] = bucket + "_" + key,
        ["updated_timestamp"] = at,
    };

    /// <summary>elasticdump: one <c>{"_index", "_id", "_source"}</c> per line.</summary>
    public static IEnumerable<string> Elasticdump(string index, IEnumerable<JsonObject> documents) =>
        documents.Select((d, i) => Line(new JsonObject { ["_index"] = index, ["_id"] = $"{index}-{i}", ["_type"] = "_doc", ["_source"] = d.DeepClone() }));

    /// <summary>Search or scroll answers, <paramref name="perPage"/> hits a line.</summary>
    public static IEnumerable<string> SearchAnswers(string index, IEnumerable<JsonObject> documents, int perPage) =>
        documents.Chunk(perPage).Select((page, p) => Line(new JsonObject
        {
            ["took"] = 3,
            ["timed_out"] = false,
            ["hits"] = new JsonObject
            {
                ["total"] = new JsonObject { ["value"] = page.Length },
                ["hits"] = new JsonArray([.. page.Select((d, i) => (JsonNode)new JsonObject
                {
                    ["_index"] = index, ["_id"] = $"{index}-{p}-{i}", ["_score"] = 1.0, ["_source"] = d.DeepClone(),
                })]),
            },
        }));

    /// <summary>The bulk format: an action line, then the source line.</summary>
    public static IEnumerable<string> Bulk(string index, IEnumerable<JsonObject> documents) =>
        documents.SelectMany((d, i) => new[]
        {
            Line(new JsonObject { ["index"] = new JsonObject { ["_index"] = index, ["_id"] = $"{index}-{i}" } }),
            Line(d),
        });

    /// <summary>The bare <c>_source</c> object per line.</summary>
    public static IEnumerable<string> Bare(IEnumerable<JsonObject> documents) => documents.Select(Line);

    public static async Task WriteAsync(string path, IEnumerable<string> lines)
    {
        var text = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        await using var file = File.Create(path);
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            await gzip.WriteAsync(text, TestContext.Current.CancellationToken);
        }
        else
        {
            await file.WriteAsync(text, TestContext.Current.CancellationToken);
        }
    }

    private static string Line(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
