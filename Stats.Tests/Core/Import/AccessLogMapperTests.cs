using Stats.Core.Events;
using Stats.Core.Import;
using Stats.Core.Ingestion;
using static Stats.Tests.Core.Import.AccessLogSamples;

namespace Stats.Tests.Core.Import;

public sealed class AccessLogMapperTests
{
    private static readonly AccessLogMapper s_mapper = new(new RouteTable(ImportOptions.DefaultRoutes));

    [Theory]
    [InlineData(200)]
    [InlineData(304)]
    public void SuccessfulRequestsBecomeEvents(int status)
    {
        var e = MapToEvent(Combined("GET /records/7654321 HTTP/1.1", status: status));

        Assert.Equal(EventCatalog.RecordView, e.Type);
        Assert.Equal("7654321", e.Recid);
    }

    [Theory]
    [InlineData(206)]
    [InlineData(301)]
    [InlineData(404)]
    [InlineData(500)]
    public void OtherStatusesAreSkippedWithTheStatusAsReason(int status)
    {
        var mapping = Map(Combined("GET /records/7654321/files/Dataset_v2.zip HTTP/1.1", status: status));

        Assert.Null(mapping.Event);
        Assert.Equal($"status {status}", mapping.SkipReason);
    }

    [Fact]
    public void HeadRequestsCountLikeGets()
    {
        Assert.Equal(EventCatalog.FileDownload, MapToEvent(Combined("HEAD /records/7654321/files/Dataset_v2.zip HTTP/1.1", size: "-")).Type);
    }

    [Fact]
    public void OtherMethodsAreSkippedWithTheMethodAsReason()
    {
        Assert.Equal("method POST", Map(Combined("POST /records/7654321 HTTP/1.1")).SkipReason);
    }

    [Fact]
    public void ASuccessfulLineWithoutARequestIsBad()
    {
        var mapping = Map($"{CernIpv4} - - [15/Jun/2024:13:35:02 +0200] \"\\x16\\x03\\x01\\x02\\x00\" 200 0 \"-\" \"-\"");

        Assert.Null(mapping.Event);
        Assert.Null(mapping.SkipReason);
        Assert.Equal("the request is not 'METHOD /path PROTOCOL'", mapping.Error);
    }

    [Theory]
    [InlineData("/api/records/7654321")]
    [InlineData("/records/7654321/export/json")]
    [InlineData("/records")]
    [InlineData("/static/dist/css/theme.css")]
    [InlineData("/")]
    [InlineData("/records/7654321/files/")]
    public void PathsThatMatchNoRouteAreSkippedAsNoRoute(string path)
    {
        Assert.Equal("no route", Map(Combined($"GET {path} HTTP/1.1")).SkipReason);
    }

    [Theory]
    [InlineData("/records/7654321")]
    [InlineData("/records/7654321/")]
    [InlineData("/records/7654321?ln=en")]
    [InlineData("/records/7654321?preview=1")]
    public void ARecordPageIsAViewWhateverItsQueryString(string target)
    {
        var e = MapToEvent(Combined($"GET {target} HTTP/1.1"));

        Assert.Equal(EventCatalog.RecordView, e.Type);
        Assert.Equal("7654321", e.Recid);
        Assert.False(e.IsPreview);
        Assert.Null(e.Size);
    }

    [Theory]
    [InlineData("/records/7654321/files/Dataset_v2.zip", "Dataset_v2.zip")]
    [InlineData("/records/7654321/files/Dataset_v2.zip?download=1", "Dataset_v2.zip")]
    [InlineData("/records/7654321/files/thesis%20final.pdf?download=1", "thesis final.pdf")]
    [InlineData("/records/7654321/files/r%C3%A9sum%C3%A9.pdf", "résumé.pdf")]
    [InlineData("/records/7654321/files/raw/run-0042/events.root", "raw/run-0042/events.root")]
    [InlineData("/records/7654321/files/a%2Fb.txt", "a/b.txt")]
    [InlineData("/records/7654321/files/100%25+pure.csv", "100%+pure.csv")]
    public void AFileUnderARecordIsADownloadOfItsDecodedKey(string target, string key)
    {
        var e = MapToEvent(Combined($"GET {target} HTTP/1.1", size: "9000"));

        Assert.Equal(EventCatalog.FileDownload, e.Type);
        Assert.Equal("7654321", e.Recid);
        Assert.Equal(key, e.FileKey);
        Assert.Equal(9000, e.Size);
        Assert.False(e.IsPreview);
    }

    [Fact]
    public void AnEncodedRecidIsDecoded()
    {
        Assert.Equal("abcd-1234 v2", MapToEvent(Combined("GET /records/abcd-1234%20v2 HTTP/1.1")).Recid);
    }

    [Theory]
    [InlineData("?preview=1")]
    [InlineData("?download=1&preview=true")]
    [InlineData("?preview")]
    public void APreviewQueryMarksTheDownloadAsAPreview(string query)
    {
        Assert.True(MapToEvent(Combined($"GET /records/7654321/files/Dataset_v2.zip{query} HTTP/1.1")).IsPreview);
    }

    [Theory]
    [InlineData("?preview=0")]
    [InlineData("?preview=false")]
    [InlineData("?nopreview=1")]
    public void AFalsePreviewQueryIsAPlainDownload(string query)
    {
        Assert.False(MapToEvent(Combined($"GET /records/7654321/files/Dataset_v2.zip{query} HTTP/1.1")).IsPreview);
    }

    [Fact]
    public void APreviewRouteMarksEveryRequestAsAPreview()
    {
        var mapper = new AccessLogMapper(new RouteTable(
            [.. ImportOptions.DefaultRoutes, new ImportRoute { Pattern = "/records/{recid}/preview/{*file_key}", Type = EventCatalog.FileDownload, Preview = true }]));

        var mapping = mapper.Map(Parse(Combined("GET /records/7654321/preview/thesis.pdf HTTP/1.1")), "log:1");

        Assert.True(mapping.Event!.IsPreview);
        Assert.Equal("thesis.pdf", mapping.Event.FileKey);
    }

    [Fact]
    public void TheClientUserAndAgentGoIntoTheEventForEnrichment()
    {
        var e = MapToEvent(Combined("GET /records/7654321 HTTP/1.1", client: CernIpv6, user: "jdoe", userAgent: Chrome));

        Assert.Equal(CernIpv6, e.IpAddress);
        Assert.Equal("jdoe", e.UserId);
        Assert.Equal(Chrome, e.UserAgent);
        Assert.Null(e.SessionId);
    }

    [Fact]
    public void TheEventTimestampIsUtcAndItsIdIsTheOneGiven()
    {
        var e = MapToEvent(Combined("GET /records/7654321 HTTP/1.1", at: new DateTimeOffset(2024, 6, 15, 1, 30, 0, TimeSpan.FromHours(2))));

        Assert.Equal(new DateTimeOffset(2024, 6, 14, 23, 30, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset);
        Assert.Equal("log:test", e.Id);
    }

    [Fact]
    public void EventsFromTheDefaultRoutesPassTheCatalogsValidation()
    {
        var view = MapToEvent(Combined("GET /records/7654321 HTTP/1.1"));
        var download = MapToEvent(Combined("GET /records/7654321/files/Dataset_v2.zip HTTP/1.1", size: "-"));

        Assert.Empty(EventValidator.Validate(view, EventCatalog.Find(view.Type), DateTimeOffset.UtcNow, TimeSpan.Zero));
        Assert.Empty(EventValidator.Validate(download, EventCatalog.Find(download.Type), DateTimeOffset.UtcNow, TimeSpan.Zero));
        Assert.Null(download.Size);
    }

    private static LogMapping Map(string line) => s_mapper.Map(Parse(line), "log:test");

    private static IncomingEvent MapToEvent(string line)
    {
        var mapping = Map(line);
        Assert.True(mapping.Event is not null, $"skipped: {mapping.SkipReason}, error: {mapping.Error}");
        return mapping.Event;
    }

    private static AccessLogEntry Parse(string line)
    {
        Assert.True(CombinedLogParser.TryParse(line, out var entry, out var error), error);
        return entry!;
    }
}
