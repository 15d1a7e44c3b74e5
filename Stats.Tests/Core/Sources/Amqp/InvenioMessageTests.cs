using System.Text;
using Stats.Core.Events;
using Stats.Core.Sources.Amqp;
using Stats.Tests.Builders;

namespace Stats.Tests.Core.Sources.Amqp;

public sealed class InvenioMessageTests
{
    private static InvenioMessage? Read(string type, string body, out IReadOnlyList<string> errors) =>
        InvenioMessage.Read(type, "stats-" + type, Encoding.UTF8.GetBytes(body), out errors);

    [Fact]
    public void TheIdOfAMessageIsTheSha256OfItsRoutingKeyANewlineAndItsBodyAndStaysTheSameAcrossVersions()
    {
        // Ids already stored must match the redeliveries a newer version reads: the expected value is sha256sum's
        // (printf 'stats-record-view\n{...}' | sha256sum), its first 16 bytes.
        var body = """{"timestamp": "2026-12-01T10:00:00", "recid": "abc"}""";

        var message = Read(EventCatalog.RecordView, body, out var errors);

        Assert.Empty(errors);
        Assert.Equal("amqp:34518b0e2ee412f986913343f9e1f1d5", message!.Id);
        Assert.Equal(message.Id, InvenioMessage.IdOf("stats-record-view", Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void ALargeBodyIsHashedWholeLikeASmallOne()
    {
        // Past the 1,024 bytes hashed on the stack: a body of 5,000 bytes is hashed from a pooled buffer.
        var large = Encoding.UTF8.GetBytes(new string('x', 5000));
        byte[] input = [.. "k\n"u8, .. large];
        var expected = "amqp:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(input).AsSpan(0, 16));

        Assert.Equal(expected, InvenioMessage.IdOf("k", large));
        Assert.NotEqual(expected, InvenioMessage.IdOf("k", large.AsSpan(0, 4999)));
    }

    [Fact]
    public void AContribViewNamesItsRecordByPidValueAndATimestampWithoutOffsetIsUtc()
    {
        var message = Read(EventCatalog.RecordView, InvenioBodies.ContribView("1234", "2024-06-15T13:35:01.123456", "192.0.2.7", "s-1"), out var errors);

        Assert.Empty(errors);
        var e = message!.ToEvent();
        Assert.Equal(("1234", "192.0.2.7", "s-1"), (e.Recid, e.IpAddress, e.SessionId));
        Assert.Equal(new DateTimeOffset(2024, 6, 15, 13, 35, 1, 123, 456, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset);
    }

    [Fact]
    public void AnRdmDownloadKeepsRecordBucketFileAndSizeAndANumericUserIdBecomesText()
    {
        var body = InvenioBodies.RdmDownload("abcd-1234", "9f3c2d1e-0000-4000-8000-000000000001", "data.csv", 9000, "2024-06-15T13:35:01", "192.0.2.8")
            .Replace("\"user_id\": null", "\"user_id\": 42", StringComparison.Ordinal);
        var message = Read(EventCatalog.FileDownload, body, out var errors);

        Assert.Empty(errors);
        var e = message!.ToEvent();
        Assert.Equal(("abcd-1234", "abcd-1234-parent", "9f3c2d1e-0000-4000-8000-000000000001", "data.csv", 9000L, "42"), (e.Recid, e.ParentRecid, e.BucketId, e.FileKey, e.Size, e.UserId));
        Assert.False(message.NeedsRecord);
    }

    [Fact]
    public void AContribDownloadNeedsItsRecordFromTheBucketMap()
    {
        var message = Read(EventCatalog.FileDownload, InvenioBodies.ContribDownload("b-1", "a.pdf", 10, "2024-06-15T13:35:01", "192.0.2.9"), out _);

        Assert.True(message!.NeedsRecord);
        Assert.Null(message.ToEvent().Recid);
        Assert.Equal("rec-9", message.ToEvent("rec-9").Recid);
    }

    [Fact]
    public void TheSameBodyIsTheSameEventAndAnotherBodyAnotherOne()
    {
        var body = InvenioBodies.RdmView("r-1", "p-1", "2024-06-15T13:35:01.000001", "192.0.2.1");
        var first = Read(EventCatalog.RecordView, body, out _)!;
        var again = Read(EventCatalog.RecordView, body, out _)!;
        var other = Read(EventCatalog.RecordView, body.Replace("13:35:01.000001", "13:35:01.000002", StringComparison.Ordinal), out _)!;

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Null(IdRules.IdProblem(first.Id));
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[1, 2]", "not an object")]
    [InlineData("""{"recid": "r-1"}""", "field 'timestamp' is required")]
    [InlineData("""{"timestamp": "yesterday", "recid": "r-1"}""", "not an ISO 8601 date-time")]
    [InlineData("""{"timestamp": "2024-06-15T13:35:01", "recid": {"id": 1}}""", "field 'recid' must be a string")]
    [InlineData("""{"timestamp": "2024-06-15T13:35:01", "recid": "r-1", "size": "big"}""", "field 'size' is not a whole number")]
    public void ABodyThatIsNoEventSaysWhy(string body, string reason)
    {
        Assert.Null(Read(EventCatalog.FileDownload, body, out var errors));
        Assert.Contains(errors, e => e.Contains(reason, StringComparison.Ordinal));
    }
}
