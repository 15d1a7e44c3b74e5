using System.Globalization;

namespace Stats.Tests.Core.Import;

/// <summary>Access-log lines as Apache and nginx write them in front of an InvenioRDM or Zenodo instance.</summary>
public static class AccessLogSamples
{
    public const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    public const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    public const string Safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15";

    public const string Googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    public const string Bingbot = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)";

    public const string PythonRequests = "python-requests/2.32.3";

    /// <summary>A client on CERN's IPv4 network.</summary>
    public const string CernIpv4 = "188.184.21.108";

    /// <summary>A client on CERN's IPv6 network.</summary>
    public const string CernIpv6 = "2001:1458:201:a4::100:1a";

    /// <summary>A client at DESY.</summary>
    public const string DesyIpv4 = "131.169.180.47";

    /// <summary>Googlebot's crawl range.</summary>
    public const string GoogleCrawler = "66.249.66.1";

    /// <summary>A combined-format line; <paramref name="at"/> is written in the server's local offset, as Apache does.</summary>
    public static string Combined(
        string request, int status = 200, string size = "48213", string client = CernIpv4, string user = "-",
        DateTimeOffset? at = null, string referrer = "https://zenodo.org/search?q=proton", string userAgent = Firefox) =>
        $"{client} - {user} [{Timestamp(at ?? new DateTimeOffset(2024, 6, 15, 13, 35, 2, TimeSpan.FromHours(2)))}] \"{request}\" {status} {size} \"{referrer}\" \"{userAgent}\"";

    /// <summary>Apache's <c>%t</c>: <c>[15/Jun/2024:13:35:02 +0200]</c> without the brackets.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.ToString("dd/MMM/yyyy:HH:mm:ss ", CultureInfo.InvariantCulture) +
        (at.Offset < TimeSpan.Zero ? "-" : "+") + at.Offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture);

    /// <summary>
    /// A day of traffic on one record with every kind of line an import meets: views and downloads from browsers
    /// (IPv4 and IPv6, one signed in), a robot, a partial download, a 404, an API call, static assets, a POST, and two
    /// broken lines (lines 6 and 12). Ten of the 17 lines become events; five are skipped.
    /// </summary>
    public static IReadOnlyList<string> MixedDay()
    {
        var at = new DateTimeOffset(2024, 6, 15, 9, 0, 0, TimeSpan.FromHours(2));
        return
        [
            Combined("GET /records/7654321 HTTP/1.1", at: at),
            Combined("GET /records/7654321/files/Dataset_v2.zip?download=1 HTTP/2.0", size: "104857600", at: at.AddSeconds(40)),
            Combined("GET /records/7654321 HTTP/2.0", client: CernIpv6, userAgent: Chrome, at: at.AddMinutes(3)),
            Combined("GET /records/7654321/files/thesis%20final.pdf HTTP/2.0", size: "2301133", client: CernIpv6, userAgent: Chrome, at: at.AddMinutes(4)),
            Combined("GET /records/7654321 HTTP/1.1", client: GoogleCrawler, userAgent: Googlebot, referrer: "-", at: at.AddMinutes(5)),
            "188.184.21.108 - - [15/Jun/2024:09:06:00 +0200] \"GET /records/7654321 HTTP/1.1",
            Combined("GET /records/7654321/files/Dataset_v2.zip HTTP/1.1", status: 206, size: "1048576", client: DesyIpv4, userAgent: Safari, at: at.AddMinutes(7)),
            Combined("GET /records/1234567 HTTP/1.1", status: 404, size: "5120", client: DesyIpv4, userAgent: Safari, at: at.AddMinutes(8)),
            Combined("GET /api/records/7654321 HTTP/1.1", size: "8812", client: DesyIpv4, userAgent: PythonRequests, referrer: "-", at: at.AddMinutes(9)),
            Combined("GET /static/dist/css/theme.css HTTP/2.0", status: 304, size: "-", client: CernIpv6, userAgent: Chrome, at: at.AddMinutes(10)),
            Combined("POST /api/records HTTP/1.1", status: 201, size: "1520", client: DesyIpv4, user: "jdoe", userAgent: PythonRequests, at: at.AddMinutes(11)),
            "Jun 15 09:12:00 zenodo-web-3 nginx[812]: upstream timed out (110: Connection timed out)",
            Combined("GET /records/7654321 HTTP/2.0", status: 304, size: "-", client: CernIpv6, userAgent: Chrome, at: at.AddMinutes(13)),
            Combined("HEAD /records/7654321/files/Dataset_v2.zip HTTP/1.1", size: "-", client: DesyIpv4, userAgent: "curl/8.5.0", referrer: "-", at: at.AddMinutes(14)),
            Combined("GET /records/7654321?ln=en HTTP/1.1", client: DesyIpv4, user: "jdoe", userAgent: Safari, at: at.AddMinutes(15)),
            Combined("GET /records/7654321/files/Dataset_v2.zip?preview=1 HTTP/1.1", size: "1200", client: DesyIpv4, user: "jdoe", userAgent: Safari, at: at.AddMinutes(16)),
            Combined("GET /records/7654321 HTTP/1.1", client: "157.55.39.12", userAgent: Bingbot, referrer: "-", at: at.AddMinutes(17)),
        ];
    }

    /// <summary>Clients of <see cref="Generate"/>: addresses and user agents as real traffic has them.</summary>
    public static IReadOnlyList<(string Ip, string UserAgent)> Clients { get; } =
    [
        (CernIpv4, Firefox),
        (CernIpv6, Chrome),
        (DesyIpv4, Safari),
        (GoogleCrawler, Googlebot),
        ("157.55.39.12", Bingbot),
        ("193.62.193.80", PythonRequests),
        ("2a02:8108:1ec0:3e00:5d1c:8f2a:c3b1:77e4", "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0"),
        ("81.221.140.97", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"),
    ];

    /// <summary>
    /// A month of an InvenioRDM front end's log, one request about every 7 minutes, with what each line must become:
    /// the number of events, the skipped lines by reason, and the bad lines (at the given line numbers).
    /// </summary>
    public static GeneratedLog Generate(int count, IReadOnlyCollection<int> badLines, int seed = 7)
    {
        string[] records = ["7654321", "8123456", "abcd-1234", "kq8ad-2xn17"];
        string[] files = ["Dataset_v2.zip", "thesis%20final.pdf", "raw/run-0042/events.root", "r%C3%A9sum%C3%A9.pdf"];
        string[] broken =
        [
            "188.184.21.108 - - [03/Mar/2024:10:15:32 +0100] \"GET /records/7654321/files/Dataset_v2.zip HTTP/1.1\" 200",
            "Mar  3 10:15:32 zenodo-web-3 nginx[812]: *4411 upstream timed out (110: Connection timed out) while reading response header",
            "131.169.180.47 - - [2024-03-03 10:15:32] \"GET /records/8123456 HTTP/1.1\" 200 48213 \"-\" \"-\"",
            "<html><head><title>502 Bad Gateway</title></head>",
        ];
        var random = new Random(seed);
        var at = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.FromHours(1));
        var lines = new List<string>(count);
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
        var events = 0;
        for (var number = 1; number <= count; number++)
        {
            at = at.AddSeconds(random.Next(1, 840));
            if (badLines.Contains(number))
            {
                lines.Add(broken[number % broken.Length]);
                continue;
            }

            var (ip, agent) = Clients[random.Next(Clients.Count)];
            var record = records[random.Next(records.Length)];
            var file = files[random.Next(files.Length)];
            var roll = random.Next(100);
            var (request, status, size) = roll switch
            {
                < 40 => ($"GET /records/{record} HTTP/1.1", random.Next(10) == 0 ? 304 : 200, "48213"),
                < 65 => ($"GET /records/{record}/files/{file}?download=1 HTTP/2.0", random.Next(8) == 0 ? 206 : 200, "104857600"),
                < 70 => ($"GET /records/{record}/files/{file}?preview=1 HTTP/2.0", 200, "2301133"),
                < 77 => ($"GET /records/{random.Next(1_000_000, 9_999_999)} HTTP/1.1", 404, "5120"),
                < 84 => ($"GET /search?q=higgs&page={random.Next(1, 9)} HTTP/1.1", 200, "61440"),
                < 90 => ("GET /static/dist/js/base.js HTTP/2.0", 304, "-"),
                < 95 => ($"HEAD /records/{record}/files/{file} HTTP/1.1", 200, "-"),
                _ => ("POST /api/records HTTP/1.1", 201, "1520"),
            };
            var user = roll < 40 && random.Next(5) == 0 ? "jdoe" : "-";
            lines.Add(Combined(request, status, size, ip, user, at, roll < 40 ? "https://www.google.com/" : "-", agent));
            var reason = status is not (200 or 304) ? $"status {status}" : request.StartsWith("GET /records/", StringComparison.Ordinal) ||
                request.StartsWith("HEAD /records/", StringComparison.Ordinal) ? null : "no route";
            if (reason is null)
            {
                events++;
            }
            else
            {
                skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
            }
        }

        return new GeneratedLog(lines, events, skipped, [.. badLines.Order()]);
    }
}

/// <summary>A generated access log and what importing it must give.</summary>
public sealed record GeneratedLog(IReadOnlyList<string> Lines, int Events, IReadOnlyDictionary<string, int> Skipped, IReadOnlyList<int> BadLines)
{
    public int SkippedTotal => Skipped.Values.Sum();
}
