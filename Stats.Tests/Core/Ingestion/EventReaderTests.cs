using System.Text;
using Stats.Core.Ingestion;

namespace Stats.Tests.Core.Ingestion;

public sealed class EventReaderTests
{
    private static ReadBatch Array(string json) => EventReader.ReadJsonArray(Encoding.UTF8.GetBytes(json), 10_000);

    private static ReadBatch Ndjson(string text) => EventReader.ReadNdjson(Encoding.UTF8.GetBytes(text), 10_000);

    [Fact]
    public void ReadsEveryFieldOfAFileDownload()
    {
        var batch = Array("""
            [{"type": "file-download", "timestamp": "2024-06-15T13:35:00Z", "id": "e-1", "recid": "abcd-1234",
              "parent_recid": "abcd-0000", "file_key": "data.csv", "bucket_id": "b1", "size": 9000, "is_preview": true,
              "user_id": "7", "session_id": "s", "ip_address": "192.1.1.168", "user_agent": "Mozilla/5.0", "referrer": "x",
              "unknown_field": {"nested": [1, 2]}}]
            """);

        var (index, e) = Assert.Single(batch.Events);
        Assert.Equal(0, index);
        Assert.Empty(batch.Rejected);
        Assert.Equal("file-download", e.Type);
        Assert.Equal(new DateTimeOffset(2024, 6, 15, 13, 35, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(("e-1", "abcd-1234", "abcd-0000", "data.csv", 9000L, true), (e.Id, e.Recid, e.ParentRecid, e.FileKey, e.Size, e.IsPreview));
        Assert.Equal(("7", "s", "192.1.1.168", "Mozilla/5.0"), (e.UserId, e.SessionId, e.IpAddress, e.UserAgent));
    }

    [Fact]
    public void TimestampWithoutOffsetIsUtcAndOffsetsAreConverted()
    {
        var batch = Array("""
            [{"type": "record-view", "timestamp": "2024-06-15T13:35:00", "recid": "a"},
             {"type": "record-view", "timestamp": "2024-06-15T15:35:00+02:00", "recid": "a"}]
            """);

        Assert.All(batch.Events, e => Assert.Equal(new DateTimeOffset(2024, 6, 15, 13, 35, 0, TimeSpan.Zero), e.Event.Timestamp));
        Assert.All(batch.Events, e => Assert.Equal(TimeSpan.Zero, e.Event.Timestamp.Offset));
    }

    [Fact]
    public void NumericRecidsAreReadAsText()
    {
        var batch = Array("""[{"type": "record-view", "timestamp": "2024-06-15T13:35:00Z", "recid": 12345}]""");

        Assert.Equal("12345", Assert.Single(batch.Events).Event.Recid);
    }

    [Fact]
    public void EachBadEventIsRejectedWithItsReasonsWhileTheOthersAreKept()
    {
        var batch = Array("""
            [{"type": "record-view", "timestamp": "2024-06-15T13:35:00Z", "recid": "a"},
             {"type": "file-download", "timestamp": "2024-06-15T13:35:00Z"},
             {"type": "teleport", "timestamp": "2024-06-15T13:35:00Z"},
             {"timestamp": "2024-06-15T13:35:00Z"},
             {"type": "file-download", "timestamp": "yesterday", "recid": "a", "file_key": "k", "size": "big"},
             {"type": "record-published", "timestamp": "2024-06-15T13:35:00Z", "recid": "a", "access_right": "secret", "communities": ["c", 3]},
             42,
             {"type": "sip-processed", "timestamp": "2024-06-15T13:35:00Z", "sip_id": "s", "status": "succeeded"}]
            """);

        // Missing fields and unknown types are the catalog's business (EventValidator), not the reader's.
        Assert.Equal([0, 1, 2, 7], batch.Events.Select(e => e.Index));
        var reasons = batch.Rejected.ToDictionary(r => r.Index, r => r.Errors);
        Assert.Equal(["field 'type' is required"], reasons[3]);
        Assert.Contains("field 'size' must be a whole number, zero or more", reasons[4]);
        Assert.Contains("field 'timestamp' is not an ISO 8601 date and time: 'yesterday'", reasons[4]);
        Assert.Equal(["field 'communities' must be an array of strings"], reasons[5]);
        Assert.Equal(["an event must be a JSON object"], reasons[6]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"type\": \"record-view\"}")]
    [InlineData("[{\"type\": \"record-view\", ")]
    [InlineData("[] []")]
    public void ABodyThatIsNotAJsonArrayIsMalformed(string body)
    {
        Assert.Throws<MalformedBatchException>(() => Array(body));
    }

    [Fact]
    public void NdjsonRejectsABrokenLineAloneAndSkipsBlankLines()
    {
        var batch = Ndjson("""
            {"type": "record-view", "timestamp": "2024-06-15T13:35:00Z", "recid": "a"}

            {"type": "record-view", "timestamp": "2024-06-15T13:35:00Z", "recid":
            {"type": "record-view", "timestamp": "2024-06-15T13:36:00Z", "recid": "b"}
            """);

        Assert.Equal([0, 2], batch.Events.Select(e => e.Index));
        Assert.StartsWith("line is not valid JSON", Assert.Single(batch.Rejected).Errors[0], StringComparison.Ordinal);
        Assert.Equal(1, batch.Rejected[0].Index);
    }

    [Fact]
    public void NdjsonWithNoJsonLineIsMalformed()
    {
        Assert.Throws<MalformedBatchException>(() => Ndjson("GET /records/1 HTTP/1.1\nHost: x\n"));
    }

    [Fact]
    public void MoreEventsThanTheLimitIsTooLarge()
    {
        var json = "[" + string.Join(",", Enumerable.Repeat("""{"type": "record-view", "timestamp": "2024-06-15T13:35:00Z", "recid": "a"}""", 4)) + "]";

        var ex = Assert.Throws<BatchTooLargeException>(() => EventReader.ReadJsonArray(Encoding.UTF8.GetBytes(json), 3));
        Assert.Equal(3, ex.MaxEvents);
    }
}
