using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Stats.Core.Import.Invenio;

namespace Stats.Tests.Core.Import.Invenio;

public sealed class InvenioEventMapperTests
{
    /// <summary>
    /// The id of a raw invenio event is a digest of its type, its timestamp text and its key fields as the document
    /// gives them, joined by '|' (absent ones empty): re-importing a dump after an upgrade finds the events that an
    /// earlier version stored, so this text must not change.
    /// </summary>
    [Theory]
    [InlineData(
        """{"timestamp":"2024-03-05T10:00:00","unique_id":"b1_f1","visitor_id":"v","unique_session_id":"s","recid":"rec-1","pid_value":7,"bucket_id":"b1","file_key":"a.csv"}""",
        "events-stats-file-download-2024-03", "file-download|2024-03-05T10:00:00|b1_f1|v|s|rec-1|7|b1|a.csv")]
    [InlineData(
        """{"timestamp":"2024-03-05T10:00:00.123456","pid_value":"12","country":"CH"}""",
        "events-stats-record-view-2024-03", "record-view|2024-03-05T10:00:00.123456|||||12||")]
    [InlineData(
        """{"timestamp":"2024-03-05T10:00:00","recid":"r\u00e9c","visitor_id":"","unique_session_id":"s"}""",
        null, "record-view|2024-03-05T10:00:00|||s|r\u00e9c|||")]
    public void AnEventsIdIsTheDigestOfItsTypeTimestampAndKeyFields(string source, string? index, string content)
    {
        using var document = JsonDocument.Parse(source);

        var mapping = InvenioEventMapper.Map(new DumpDocument(1, index, "dump-id", document.RootElement));

        var expected = "invenio:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)).AsSpan(0, 16));
        Assert.Equal(expected, mapping.Event?.Id);
    }

    /// <summary>A download's size is kept when it is a non-negative number; anything else leaves the size unknown, not the event.</summary>
    [Theory]
    [InlineData("1234", 1234L)]
    [InlineData("\"1234\"", null)]
    [InlineData("-5", null)]
    [InlineData("null", null)]
    public void ADownloadKeepsItsSizeOnlyWhenItIsANonNegativeNumber(string size, long? expected)
    {
        using var document = JsonDocument.Parse(
            $$"""{"timestamp":"2024-03-05T10:00:00","recid":"rec-1","bucket_id":"b1","file_key":"a.csv","size":{{size}}}""");

        var mapping = InvenioEventMapper.Map(new DumpDocument(1, "events-stats-file-download-2024-03", "dump-id", document.RootElement));

        Assert.NotNull(mapping.Event);
        Assert.Equal(expected, mapping.Event.Size);
    }
}
