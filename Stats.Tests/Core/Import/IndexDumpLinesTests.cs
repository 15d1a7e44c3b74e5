using System.Text;
using Stats.Core.Import.Invenio;

namespace Stats.Tests.Core.Import;

public sealed class IndexDumpLinesTests
{
    [Fact]
    public void AnElasticdumpLineGivesItsSourceWithItsIndexAndId()
    {
        var documents = Read("""{"_index":"events-stats-record-view-2024-03","_id":"a1","_source":{"recid":"12","country":"CH"}}""");

        var document = Assert.Single(documents);
        Assert.Equal("events-stats-record-view-2024-03", document.Index);
        Assert.Equal("a1", document.Id);
        Assert.Equal("12", document.Source.GetProperty("recid").GetString());
        Assert.Equal(1, document.Line);
    }

    [Fact]
    public void ASearchAnswerOnOneLineGivesEveryHit()
    {
        var documents = Read(
            """{"took":3,"hits":{"total":{"value":2},"hits":[{"_index":"i1","_id":"x","_source":{"n":1}},{"_index":"i2","_id":"y","_source":{"n":2}}]}}""");

        Assert.Equal(["x", "y"], documents.Select(d => d.Id));
        Assert.Equal(["i1", "i2"], documents.Select(d => d.Index));
        Assert.Equal([1, 2], documents.Select(d => d.Source.GetProperty("n").GetInt32()));
    }

    [Fact]
    public void TheBulkFormatPairsEachActionWithTheSourceOnTheNextLine()
    {
        var documents = Read(
            """{"index":{"_index":"stats-record-view-2024-03","_id":"d1"}}""",
            """{"count":4,"unique_count":3}""",
            """{"create":{"_id":"d2"}}""",
            """{"count":1,"unique_count":1}""");

        Assert.Equal(["d1", "d2"], documents.Select(d => d.Id));
        Assert.Equal(["stats-record-view-2024-03", null], documents.Select(d => d.Index));
        Assert.Equal([2L, 4L], documents.Select(d => d.Line));
        Assert.Equal(4, documents[0].Source.GetProperty("count").GetInt32());
    }

    [Fact]
    public void ABareSourceLineIsTheDocumentItself()
    {
        var document = Assert.Single(Read("""{"timestamp":"2024-03-01T10:00:00","recid":"7","index":"not an action"}"""));

        Assert.Null(document.Index);
        Assert.Null(document.Id);
        Assert.Equal("7", document.Source.GetProperty("recid").GetString());
    }

    [Theory]
    [InlineData("not json at all", "not JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"_id":"a","_source":"text"}""", "_source is not an object")]
    [InlineData("""{"hits":{"hits":[{"_id":"a"}]}}""", "a search answer with a hit that has no _source object")]
    public void ALineThatIsNoDumpLineSaysWhyAndGivesNothing(string line, string reason)
    {
        var reader = new IndexDumpLines();
        var documents = new List<DumpDocument>();

        Assert.Equal(reason, reader.Read(Encoding.UTF8.GetBytes(line), 1, documents));
        Assert.Empty(documents);
    }

    [Fact]
    public void ABulkActionWhoseSourceLineIsBadDoesNotSwallowTheNextDocument()
    {
        var reader = new IndexDumpLines();
        var documents = new List<DumpDocument>();

        Assert.Null(reader.Read("""{"index":{"_id":"d1"}}"""u8, 1, documents));
        Assert.Equal("not JSON", reader.Read("{broken"u8, 2, documents));
        Assert.Null(reader.Read("""{"_id":"d2","_source":{"n":2}}"""u8, 3, documents));

        Assert.Equal("d2", Assert.Single(documents).Id);
        Assert.Null(reader.UnfinishedActionLine);
    }

    [Fact]
    public void AFileEndingAfterABulkActionReportsTheActionLine()
    {
        var reader = new IndexDumpLines();

        Assert.Null(reader.Read("""{"index":{"_id":"d1"}}"""u8, 9, []));

        Assert.Equal(9, reader.UnfinishedActionLine);
    }

    [Fact]
    public void AReaderThatDoesNotKeepSourcesGivesEachLinesDocumentsAsAKeepingReaderDoes()
    {
        string[] lines =
        [
            """{"_index":"i0","_id":"a","_source":{"recid":"1","n":1}}""",
            """{"hits":{"hits":[{"_index":"i1","_id":"b","_source":{"n":2}},{"_index":"i2","_id":"c","_source":{"n":3,"k":"\u00e9"}}]}}""",
            """{"index":{"_id":"d"}}""",
            """{"count":4}""",
            """{"timestamp":"2024-03-01T10:00:00","recid":"7"}""",
        ];
        var keeping = Read(lines);
        var reusing = new IndexDumpLines(keepSources: false);
        var seen = new List<(string?, string?, long, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var documents = new List<DumpDocument>();
            Assert.Null(reusing.Read(Encoding.UTF8.GetBytes(lines[i]), i + 1, documents));
            // Read before the next line: until then the sources are valid.
            seen.AddRange(documents.Select(d => (d.Index, d.Id, d.Line, d.Source.GetRawText())));
        }

        Assert.Equal(keeping.Select(d => (d.Index, d.Id, d.Line, d.Source.GetRawText())), seen);
    }

    private static List<DumpDocument> Read(params string[] lines)
    {
        var reader = new IndexDumpLines();
        var documents = new List<DumpDocument>();
        for (var i = 0; i < lines.Length; i++)
        {
            Assert.Null(reader.Read(Encoding.UTF8.GetBytes(lines[i]), i + 1, documents));
        }

        return documents;
    }
}
