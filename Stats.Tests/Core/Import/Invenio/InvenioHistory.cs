using System.Text.Json.Nodes;
using static Stats.Tests.Core.Import.Invenio.InvenioDumps;

namespace Stats.Tests.Core.Import.Invenio;

/// <summary>
/// A small invenio history of March 2024 in every dump line format and both field sets, with what COUNTER makes of it
/// worked out by hand beside each document.
/// </summary>
internal static class InvenioHistory
{
    public const string FileKey = "data/set 1/file.csv";

    /// <summary>InvenioRDM views of two versions (rdm-1, rdm-2) of one concept (rdm-c), on 5 March.</summary>
    public static JsonObject[] RdmViews { get; } =
    [
        RdmView("rdm-1", "rdm-c", "2024-03-05T10:00:00", "visitor-a", "session-a1", "CH"),
        // 10 s later, same visitor and record: a double-click, one view with the first.
        RdmView("rdm-1", "rdm-c", "2024-03-05T10:00:10.123456", "visitor-a", "session-a1", "CH"),
        // The other version in the same session: one more view, the same session for all versions.
        RdmView("rdm-2", "rdm-c", "2024-03-05T10:05:00", "visitor-a", "session-a1", "CH"),
        RdmView("rdm-1", "rdm-c", "2024-03-05T11:00:00", "visitor-b", "session-b1", "US"),
        // A robot: never counted.
        RdmView("rdm-1", "rdm-c", "2024-03-05T12:00:00", "visitor-r", "session-r1", "CN", robot: true),
    ];

    /// <summary>invenio-stats' own views of c-7 on 6 March, 40 s apart: two views, one session.</summary>
    public static JsonObject[] ContribViews { get; } =
    [
        ContribView("c-7", "2024-03-06T08:00:00", "visitor-e", "session-e1", "GB"),
        ContribView("c-7", "2024-03-06T08:00:40", "visitor-e", "session-e1", "GB"),
    ];

    /// <summary>
    /// Downloads of one file of rdm-1 on 5 March: an RDM document naming recid and bucket, then contrib documents naming
    /// only the bucket (resolved through what the first taught), one of them a double-click, and one of an unknown bucket.
    /// </summary>
    public static JsonObject[] Downloads { get; } =
    [
        RdmDownload("rdm-1", "rdm-c", "bucket-1", FileKey, 1000, "2024-03-05T09:00:00", "visitor-c", "session-c1", "FR"),
        ContribDownload("bucket-1", FileKey, 1000, "2024-03-05T13:00:00", "visitor-d", "session-d1", "CH"),
        ContribDownload("bucket-1", FileKey, 1000, "2024-03-05T13:00:05", "visitor-d", "session-d1", "CH"),
        ContribDownload("bucket-unknown", "x.bin", 5, "2024-03-05T14:00:00", "visitor-d", "session-d1", "CH"),
    ];

    /// <summary>The lines of the dump files, by file name: every line format, one of them gzip, two bad lines.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Files { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["1-rdm-views.json"] =
        [
            .. Elasticdump(ViewIndex, RdmViews.Take(3)),
            "this line is not JSON",
            .. Elasticdump(ViewIndex, RdmViews.Skip(3)),
            """{"_index": "events-stats-record-view-2024-03", "_id": "no-time", "_source": {"recid": "rdm-1", "visitor_id": "00"}}""",
        ],
        ["2-contrib-views.json"] = [.. SearchAnswers(ViewIndex, ContribViews, perPage: 2)],
        ["3-downloads.bulk.gz"] = [.. Bulk(DownloadIndex, Downloads.Take(1)), .. Bulk(DownloadIndex, Downloads.Skip(1).Take(2))],
        ["4-held.json"] = [.. Bare(Downloads.Skip(3))],
    };

    /// <summary>Every visitor and session digest of the history: none may be stored.</summary>
    public static IEnumerable<string> Digests =>
        RdmViews.Concat(ContribViews).Concat(Downloads).SelectMany(d => new[] { (string)d["visitor_id"]!, (string)d["unique_session_id"]! }).Distinct();

    public static async Task WriteAsync(string folder)
    {
        foreach (var (name, lines) in Files)
        {
            await InvenioDumps.WriteAsync(Path.Combine(folder, name), lines);
        }
    }
}
