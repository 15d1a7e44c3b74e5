using System.Globalization;
using Stats.Core.Import;
using static Stats.Tests.Core.Import.AccessLogSamples;

namespace Stats.Tests.Core.Import;

public sealed class CombinedLogParserTests
{
    [Fact]
    public void ReadsEveryFieldOfACombinedLineFromAnIpv4Client()
    {
        var line = $"{CernIpv4} - jdoe [15/Jun/2024:13:35:02 +0200] \"GET /records/7654321/files/Dataset_v2.zip?download=1 HTTP/1.1\" 200 104857600 " +
            $"\"https://zenodo.org/records/7654321\" \"{Firefox}\"";

        var entry = Parse(line);

        Assert.Equal(CernIpv4, entry.Client);
        Assert.Equal("jdoe", entry.User);
        Assert.Equal(new DateTimeOffset(2024, 6, 15, 11, 35, 2, TimeSpan.Zero), entry.Timestamp);
        Assert.Equal("GET", entry.Method);
        Assert.Equal("/records/7654321/files/Dataset_v2.zip?download=1", entry.Target);
        Assert.Equal(200, entry.Status);
        Assert.Equal(104857600, entry.Size);
        Assert.Equal("https://zenodo.org/records/7654321", entry.Referrer);
        Assert.Equal(Firefox, entry.UserAgent);
    }

    [Fact]
    public void ReadsAnIpv6Client()
    {
        var entry = Parse(Combined("GET /records/7654321 HTTP/2.0", client: CernIpv6, userAgent: Chrome));

        Assert.Equal(CernIpv6, entry.Client);
        Assert.Equal(Chrome, entry.UserAgent);
    }

    [Fact]
    public void ADashSizeAndDashFieldsAreAbsentValues()
    {
        var entry = Parse(Combined("GET /records/7654321 HTTP/1.1", status: 304, size: "-", referrer: "-", userAgent: "-"));

        Assert.Null(entry.Size);
        Assert.Null(entry.User);
        Assert.Null(entry.Referrer);
        Assert.Null(entry.UserAgent);
    }

    [Fact]
    public void ApacheEscapedQuotesInTheUserAgentAreUnescaped()
    {
        var line = $"{DesyIpv4} - - [15/Jun/2024:13:35:02 +0200] \"GET /records/7654321 HTTP/1.1\" 200 48213 \"-\" " +
            "\"Mozilla/5.0 (compatible; \\\"Harvester\\\" 1.2; +https://example.org/bot) back\\\\slash\"";

        var entry = Parse(line);

        Assert.Equal("Mozilla/5.0 (compatible; \"Harvester\" 1.2; +https://example.org/bot) back\\slash", entry.UserAgent);
        Assert.Equal(48213, entry.Size);
    }

    [Fact]
    public void NginxHexEscapesAreDecodedAsUtf8()
    {
        var line = $"{DesyIpv4} - - [15/Jun/2024:13:35:02 +0200] \"GET /records/7654321 HTTP/1.1\" 200 48213 \"-\" " +
            "\"Zotero/7.0 \\x22Caf\\xC3\\xA9\\x22\"";

        Assert.Equal("Zotero/7.0 \"Café\"", Parse(line).UserAgent);
    }

    [Fact]
    public void TheCommonFormatWithoutReferrerAndUserAgentIsRead()
    {
        var entry = Parse($"{CernIpv4} - - [15/Jun/2024:13:35:02 +0200] \"GET /records/7654321 HTTP/1.0\" 200 2326");

        Assert.Equal(2326, entry.Size);
        Assert.Null(entry.Referrer);
        Assert.Null(entry.UserAgent);
    }

    [Fact]
    public void FieldsNginxAddsAfterTheUserAgentAreIgnored()
    {
        var entry = Parse(Combined("GET /records/7654321 HTTP/1.1") + " \"10.0.0.3, 188.184.21.108\" rt=0.012 uct=\"0.000\"");

        Assert.Equal(Firefox, entry.UserAgent);
    }

    [Fact]
    public void AnAbsoluteUrlInTheRequestKeepsOnlyItsPath()
    {
        Assert.Equal("/records/7654321?ln=en", Parse(Combined("GET https://zenodo.org/records/7654321?ln=en HTTP/1.1")).Target);
    }

    [Fact]
    public void ARequestLineThatIsNotARequestParsesWithoutMethod()
    {
        var entry = Parse($"{DesyIpv4} - - [15/Jun/2024:13:35:02 +0200] \"-\" 408 0 \"-\" \"-\"");

        Assert.Equal(408, entry.Status);
        Assert.Null(entry.Method);
        Assert.Null(entry.Target);
    }

    [Theory]
    [InlineData("10/Oct/2000:13:55:36 -0700", "2000-10-10T20:55:36Z")]
    [InlineData("01/Jan/2024:00:30:00 +0100", "2023-12-31T23:30:00Z")]
    [InlineData("31/Dec/2023:20:15:00 -0500", "2024-01-01T01:15:00Z")]
    [InlineData("15/Jun/2024:18:05:09 +0530", "2024-06-15T12:35:09Z")]
    [InlineData("29/Feb/2024:12:00:00 +0000", "2024-02-29T12:00:00Z")]
    public void TimestampsAreConvertedToUtc(string text, string utc)
    {
        var entry = Parse($"{CernIpv4} - - [{text}] \"GET /records/7654321 HTTP/1.1\" 200 48213 \"-\" \"{Firefox}\"");

        var expected = DateTime.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        Assert.Equal(expected, entry.Timestamp.UtcDateTime);
    }

    [Theory]
    [InlineData("188.184.21.108 - - [15/Jun/2024:09:06:00 +0200] \"GET /records/7654321 HTTP/1.1", "no quoted request after the timestamp")]
    [InlineData("188.184.21.108 - - [2024-06-15T09:06:00Z] \"GET /records/7654321 HTTP/1.1\" 200 48213", "the timestamp is not dd/MMM/yyyy:HH:mm:ss ±hhmm")]
    [InlineData("188.184.21.108 - - [30/Feb/2024:09:06:00 +0200] \"GET /records/7654321 HTTP/1.1\" 200 48213", "the timestamp is not dd/MMM/yyyy:HH:mm:ss ±hhmm")]
    [InlineData("188.184.21.108 - - [15/Jun/2024:09:06:00 +0200] \"GET /records/7654321 HTTP/1.1\" OK 48213", "no three-digit status after the request")]
    [InlineData("188.184.21.108 - - [15/Jun/2024:09:06:00 +0200] \"GET /records/7654321 HTTP/1.1\" 200 4k", "the size is neither a number nor '-'")]
    [InlineData("188.184.21.108 - - [15/Jun/2024:09:06:00 +0200] \"GET /records/7654321 HTTP/1.1\" 200 48213 https://zenodo.org/ Firefox",
        "the referrer and user agent are not two quoted fields")]
    [InlineData("Jun 15 09:12:00 zenodo-web-3 nginx[812]: upstream timed out (110: Connection timed out)", "no [timestamp] after the client, identity and user")]
    [InlineData("{\"type\": \"record-view\", \"recid\": \"7654321\"}", "no [timestamp] after the client, identity and user")]
    [InlineData("188.184.21.108 - -", "the line ends before the timestamp")]
    public void MalformedLinesAreRefusedWithAReasonThatQuotesNothingOfTheLine(string line, string reason)
    {
        Assert.False(CombinedLogParser.TryParse(line, out var entry, out var error));

        Assert.Null(entry);
        Assert.Equal(reason, error);
        Assert.DoesNotContain("188.184", error, StringComparison.Ordinal);
    }

    private static AccessLogEntry Parse(string line)
    {
        Assert.True(CombinedLogParser.TryParse(line, out var entry, out var error), error);
        return entry!;
    }
}
