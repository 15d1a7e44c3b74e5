using System.Text;
using Stats.Core.Import;
using Stats.Core.Import.Invenio;
using static Stats.Tests.Core.Import.Invenio.InvenioDumps;

namespace Stats.Tests.Core.Import.Invenio;

public sealed class DumpFormatDetectorTests
{
    public static TheoryData<string, ImportFormat> FirstLines => new()
    {
        { Elasticdump(ViewIndex, [RdmView("r", "p", "2024-03-05T10:00:00", "v", "s", "CH")]).Single(), ImportFormat.InvenioEvents },
        { SearchAnswers(DownloadIndex, [ContribDownload("b", "k", 1, "2024-03-05T10:00:00", "v", "s", "CH")], 5).Single(), ImportFormat.InvenioEvents },
        { Bulk(ViewIndex, [ContribView("7", "2024-03-05T10:00:00", "v", "s", "CH")]).First(), ImportFormat.InvenioEvents },
        { Bare([ContribView("7", "2024-03-05T10:00:00", "v", "s", "CH")]).Single(), ImportFormat.InvenioEvents },
        // A prefixed installation's index, and the aggregates by their index or by their fields.
        { """{"_index": "zenodo-events-stats-file-download-2024-03", "_id": "1", "_source": {"timestamp": "2024-03-05T10:00:00"}}""", ImportFormat.InvenioEvents },
        { """{"_index": "stats-record-view-2024-03", "_id": "1", "_source": {"timestamp": "2024-03-05T00:00:00"}}""", ImportFormat.InvenioAggregates },
        { """{"timestamp": "2024-03-05T00:00:00", "count": 4, "unique_count": 3, "unique_id": "recid_7"}""", ImportFormat.InvenioAggregates },
        { """{"index": {"_index": "stats-file-download-2024-03", "_id": "1"}}""", ImportFormat.InvenioAggregates },
        // Our own events, a log line, and a line that is not JSON (NDJSON's reader reports it).
        { """{"type": "record-view", "timestamp": "2024-03-05T10:00:00Z", "recid": "7", "id": "e-1"}""", ImportFormat.Ndjson },
        { "188.184.21.108 - - [15/Jun/2024:07:00:00 +0000] \"GET /records/7 HTTP/1.1\" 200 5120 \"-\" \"Mozilla/5.0\"", ImportFormat.Combined },
        { "{not json", ImportFormat.Ndjson },
    };

    [Theory]
    [MemberData(nameof(FirstLines))]
    public void TheFirstLineTellsTheFormat(string line, ImportFormat expected) =>
        Assert.Equal(expected, DumpFormatDetector.Detect(Encoding.UTF8.GetBytes(line)));

    [Fact]
    public void ABulkActionWithoutAnIndexLeavesItToItsSourceLine()
    {
        Assert.Null(DumpFormatDetector.Detect("""{"index": {"_id": "abc"}}"""u8));
        Assert.Equal(ImportFormat.InvenioEvents, DumpFormatDetector.DetectSource(Encoding.UTF8.GetBytes(Bare([ContribView("7", "2024-03-05T10:00:00", "v", "s", "CH")]).Single())));
        Assert.Equal(ImportFormat.InvenioAggregates, DumpFormatDetector.DetectSource("""{"timestamp": "2024-03-05T00:00:00", "count": 1, "unique_count": 1}"""u8));
    }
}
