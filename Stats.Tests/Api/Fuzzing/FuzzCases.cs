using System.Text;

namespace Stats.Tests.Api.Fuzzing;

/// <summary>What a refusal of a fuzzed request must look like: problem details (the REST API) or a COUNTER exception (SUSHI, DSR).</summary>
internal enum Refusal
{
    ProblemDetails,
    CounterException,
}

/// <summary>One fuzzed request: what it is (for the failure message), where it goes, and what a refusal of it must be.</summary>
internal sealed record FuzzCase(string Description, HttpMethod Method, string Path, byte[]? Body, string? ContentType, Refusal Refusal)
{
    public bool IsIngestion => Path == "/api/events";
}

/// <summary>
/// Generates malformed requests for every public endpoint from one seed: random bytes, broken UTF-8, deep nesting,
/// extreme numbers and dates, oversized fields, and every field of a valid request with every wrong JSON kind.
/// </summary>
internal sealed class FuzzCases(int seed, string apiKey)
{
    private readonly Random _random = new(seed);

    /// <summary>Values of every JSON kind and of every trouble a field can bring, as JSON text.</summary>
    private static readonly string[] s_wrongValues =
    [
        "null", "true", "false", "0", "-1", "1.5", "-0", "1e308", "1e309", "-1e309", "123456789012345678901234567890", "1e-400",
        "\"\"", "\" \"", "\"x\"", "[]", "[1]", "[\"a\", null]", "{}", "{\"a\": 1}", "\"\\u0000\"", "\"\\u001b[31mred\"", "\"\\ud800\"",
        "\"\\udc00x\\ud800\"", "\"a\\nb\"", "\"=HYPERLINK(\\\"x\\\")\"", "\"../../etc/passwd\"", "\"' OR 1=1 --\"", "\"%00\"",
        "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"9999-12-31\"", "\"0001-01-01\"", "\"0000-00-00\"", "\"2024-02-30\"",
        "\"2024-06-15T25:61:61Z\"", "\"+275760-09-13T00:00:00Z\"", "\"12/01/2026 10:00\"", "\"Mon, 12 Jan 2026 10:00:00 GMT\"",
        "\"2024-06-15T13:35:00+14:00\"", "\"2024-06-15T13:35:00-12:00\"", "\"9999-12\"", "\"0001-01\"", "\"day\"", "\"century\"",
    ];

    private static readonly string[] s_eventFields =
    [
        "type", "timestamp", "id", "recid", "parent_recid", "file_key", "size", "is_preview", "via_api", "user_id", "session_id",
        "ip_address", "user_agent", "owner_id", "communities", "access_right", "title", "resource_type", "community", "feature",
        "document_id", "location", "sip_id", "status", "bytes",
    ];

    private static readonly string[] s_eventTypes =
    [
        "record-view", "file-download", "record-published", "record-updated", "record-deleted", "submission-created", "feature-used",
        "loan-created", "loan-extended", "sip-created", "sip-processed", "archive-size", "no-such-type",
    ];

    private static readonly string[] s_stats =
    [
        "record-view", "record-download", "record-view-histogram", "record-download-histogram", "record-view-all-versions-histogram",
        "file-download-histogram", "user-stats", "user-stats-histogram", "top-records", "community-views", "community-views-histogram",
        "community-new-records-histogram", "repository-histogram", "circulation-loans-histogram", "sipstore-archive-size-histogram",
        "countries", "communities", "records-popular", "no-such-stat",
    ];

    private static readonly string[] s_statParameters =
        ["recid", "parent_recid", "file_key", "owner_id", "community", "start_date", "end_date", "interval", "access_method", "size", "metric"];

    private static readonly string[] s_notArrays = ["{}", "\"x\"", "42", "null", "", "[1, 2]", "[{}] x"];

    private static readonly string[] s_recordFields = ["recid", "start_date", "end_date"];

    private static readonly string[] s_recordQueryNames = ["recid", "start_date", "end_date", "x"];

    private static readonly string[] s_dsrQueryNames = ["begin_date", "end_date", "x"];

    private static readonly string[] s_intervals = ["day", "week", "month", "year"];

    private static readonly string[] s_sushiReports = ["pr", "pr_p1", "ir", "ir_a1"];

    private static readonly string[] s_sushiParameters =
        ["customer_id", "begin_date", "end_date", "granularity", "metric_type", "data_type", "access_type", "access_method", "yop", "item_id", "attributes_to_show", "platform", "format"];

    private static readonly string[] s_queryValues =
    [
        "", "x", "0000000000000000", "9999-12", "9999-12-31", "0001-01", "0001-01-01", "0000-00", "2024-13", "2024-02-30", "1899-12",
        "Month", "Totals", "Total_Item_Requests|Nope", "Dataset", "Open|Controlled", "TDM", "0001-9999", "9999-0001", "a|b|c",
        "%00", "%FF%FE", "%ED%A0%80", "%C0%AF", "%1B%5B31m", "..%2F..%2F", "' OR 1=1 --", "=cmd|' /C calc'!A0", "tsv", "json",
    ];

    /// <summary>The next case; the generator cycles through the endpoints so that each gets its share.</summary>
    public FuzzCase Next(int index) => (index % 8) switch
    {
        0 => EventsJson(),
        1 => EventsNdjson(),
        2 => StatsQuery(),
        3 => RecordsPost(),
        4 => RecordsGet(),
        5 => Sushi(),
        6 => Dsr(),
        _ => Other(),
    };

    private FuzzCase EventsJson()
    {
        var (what, body) = Pick(
            () => ("random bytes", RandomBytes()),
            () => ("deep nesting", Encoding.UTF8.GetBytes(Nest(_random.Next(60, 5000)))),
            () => ("broken UTF-8 in an event", BreakUtf8(Encoding.UTF8.GetBytes($"[{ValidEvent()}, {ValidEvent()}]"))),
            () => WrongField(f => $"[{ValidEvent()}, {f}]"),
            () => WrongField(f => $"[{f}]"),
            () => ("an oversized field", Encoding.UTF8.GetBytes("[" + ValidEvent((Pick(s_eventFields), Quote(new string('r', _random.Next(129, 200_000))))) + "]")),
            () => ("not an array", Encoding.UTF8.GetBytes(Pick(s_notArrays))));
        return new FuzzCase($"POST /api/events (JSON): {what}", HttpMethod.Post, "/api/events", body, "application/json", Refusal.ProblemDetails);
    }

    private FuzzCase EventsNdjson()
    {
        var lines = new List<byte[]>();
        var what = new List<string>();
        for (var i = _random.Next(1, 6); i > 0; i--)
        {
            var (line, description) = Pick(
                () => (Encoding.UTF8.GetBytes(ValidEvent()), "valid"),
                () => (BreakUtf8(Encoding.UTF8.GetBytes(ValidEvent())), "broken UTF-8"),
                () => (RandomBytes(200), "random bytes"),
                () => (Encoding.UTF8.GetBytes(Nest(_random.Next(60, 500))), "deep nesting"),
                () => { var (d, b) = WrongField(f => f); return (b, d); });
            lines.Add(line);
            what.Add(description);
        }

        var body = lines.SelectMany(l => l.Concat("\n"u8.ToArray())).ToArray();
        return new FuzzCase($"POST /api/events (NDJSON): {string.Join(", ", what)}", HttpMethod.Post, "/api/events", body, "application/x-ndjson", Refusal.ProblemDetails);
    }

    private FuzzCase StatsQuery()
    {
        var (what, body) = Pick(
            () => ("random bytes", RandomBytes()),
            () => ("deep nesting", Encoding.UTF8.GetBytes(Nest(_random.Next(60, 5000)))),
            () => ("broken UTF-8", BreakUtf8(Encoding.UTF8.GetBytes($"{{\"q\": {ValidQuery()}}}"))),
            () =>
            {
                var (parameter, value) = (Pick(s_statParameters), Pick(s_wrongValues));
                return ($"'{parameter}' = {value}", Encoding.UTF8.GetBytes("{\"q\": " + ValidQuery((parameter, value)) + "}"));
            },
            () =>
            {
                var value = Pick(s_wrongValues);
                return ($"the query or its params as {value}", Encoding.UTF8.GetBytes(Pick(
                    () => $"{{\"q\": {value}}}", () => $"{{\"q\": {{\"stat\": {value}}}}}", () => $"{{\"q\": {{\"stat\": \"record-view\", \"params\": {value}}}}}", () => value)));
            },
            () =>
            {
                var queries = Enumerable.Range(0, _random.Next(1, 120)).Select(i => $"\"q{i}\": {ValidQuery()}");
                return ("many queries", Encoding.UTF8.GetBytes($"{{{string.Join(", ", queries)}}}"));
            },
            () => ("an oversized parameter", Encoding.UTF8.GetBytes("{\"q\": " + ValidQuery((Pick(s_statParameters), Quote(new string('r', _random.Next(129, 2_000_000))))) + "}")));
        return new FuzzCase($"POST /api/stats: {what}", HttpMethod.Post, "/api/stats", body, "application/json", Refusal.ProblemDetails);
    }

    private FuzzCase RecordsPost()
    {
        var (what, body) = Pick(
            () => ("random bytes", RandomBytes()),
            () => ("broken UTF-8", BreakUtf8(Encoding.UTF8.GetBytes("{\"recid\": [\"a\", \"b\"], \"start_date\": \"2024-01-01\"}"))),
            () =>
            {
                var (field, value) = (Pick(s_recordFields), Pick(s_wrongValues));
                var fields = new Dictionary<string, string> { ["recid"] = "[\"a\", \"b\"]", ["start_date"] = "\"2024-01-01\"", ["end_date"] = "\"2024-12-31\"" };
                fields[field] = _random.Next(2) == 0 ? value : $"[{value}]";
                return ($"'{field}' = {fields[field]}", Encoding.UTF8.GetBytes("{" + string.Join(", ", fields.Select(f => $"\"{f.Key}\": {f.Value}")) + "}"));
            },
            () => ("too many ids", Encoding.UTF8.GetBytes($"{{\"recid\": [{string.Join(", ", Enumerable.Range(0, _random.Next(900, 1500)).Select(i => $"\"r{i}\""))}]}}")),
            () => ("deep nesting", Encoding.UTF8.GetBytes($"{{\"recid\": {Nest(_random.Next(60, 3000))}}}")));
        return new FuzzCase($"POST /api/stats/records: {what}", HttpMethod.Post, "/api/stats/records", body, "application/json", Refusal.ProblemDetails);
    }

    private FuzzCase RecordsGet()
    {
        var query = string.Join("&", Enumerable.Range(0, _random.Next(0, 5)).Select(_ => $"{Pick(s_recordQueryNames)}={Pick(s_queryValues)}"));
        return new FuzzCase($"GET /api/stats/records?{query}", HttpMethod.Get, $"/api/stats/records?{query}", null, null, Refusal.ProblemDetails);
    }

    private FuzzCase Sushi()
    {
        var parameters = new Dictionary<string, string> { ["customer_id"] = "0000000000000000", ["begin_date"] = "2024-01", ["end_date"] = "2024-06" };
        for (var i = _random.Next(1, 4); i > 0; i--)
        {
            parameters[Pick(s_sushiParameters.Append("no_such_parameter").ToArray())] = Pick(s_queryValues);
        }

        var query = string.Join("&", parameters.Select(p => $"{p.Key}={p.Value}").Append($"api_key={apiKey}"));
        var path = $"/sushi/r51/reports/{Pick(s_sushiReports)}?{query}";
        return new FuzzCase($"GET {path}", HttpMethod.Get, path, null, null, Refusal.CounterException);
    }

    private FuzzCase Dsr()
    {
        var query = string.Join("&", Enumerable.Range(0, _random.Next(0, 4)).Select(_ => $"{Pick(s_dsrQueryNames)}={Pick(s_queryValues)}").Append($"api_key={apiKey}"));
        return new FuzzCase($"GET DSR ?{query}", HttpMethod.Get, $"/sushi/rd1/reports/dsr?{query}", null, null, Refusal.CounterException);
    }

    private FuzzCase Other() => Pick(
        () =>
        {
            var body = Pick(() => RandomBytes(), () => Encoding.UTF8.GetBytes($"{{\"user_id\": {Pick(s_wrongValues)}, \"dry_run\": true}}"),
                () => Encoding.UTF8.GetBytes($"{{\"user_id\": \"fuzz-nobody\", \"dry_run\": {Pick(s_wrongValues)}}}"));
            return new FuzzCase("POST /api/admin/erase-user", HttpMethod.Post, "/api/admin/erase-user", body, "application/json", Refusal.ProblemDetails);
        },
        () =>
        {
            var path = $"/api/stats?{Pick(s_queryValues)}={Pick(s_queryValues)}";
            return new FuzzCase($"GET {path}", HttpMethod.Get, path, null, null, Refusal.ProblemDetails);
        },
        () =>
        {
            var path = $"/api/admin/pipeline?{Pick(s_queryValues)}";
            return new FuzzCase($"GET {path}", HttpMethod.Get, path, null, null, Refusal.ProblemDetails);
        });

    private string ValidEvent(params (string Field, string Json)[] overrides)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["type"] = Quote(Pick(s_eventTypes)),
            ["timestamp"] = Quote($"2024-06-{_random.Next(1, 29):D2}T{_random.Next(24):D2}:{_random.Next(60):D2}:00Z"),
            ["recid"] = Quote($"fuzz-{_random.Next(50)}"),
            ["file_key"] = Quote("data.csv"),
            ["size"] = "9000",
            ["ip_address"] = Quote("188.184.21.108"),
            ["user_agent"] = Quote("Mozilla/5.0 (X11; Linux x86_64) Fuzz/1.0"),
            ["session_id"] = Quote($"s-{_random.Next(10)}"),
            ["community"] = Quote("hep"),
            ["communities"] = "[\"hep\"]",
            ["sip_id"] = Quote($"sip-{_random.Next(10)}"),
            ["document_id"] = Quote("doc-1"),
            ["status"] = Quote("succeeded"),
            ["bytes"] = "1000",
            ["feature"] = Quote("comment"),
            ["title"] = Quote("A title"),
        };
        if (_random.Next(3) == 0)
        {
            fields["id"] = Quote($"ev-{_random.Next(1000)}");
        }

        foreach (var (field, json) in overrides)
        {
            fields[field] = json;
        }

        return "{" + string.Join(", ", fields.Select(f => $"{Quote(f.Key)}: {f.Value}")) + "}";
    }

    private string ValidQuery(params (string Parameter, string Json)[] overrides)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["recid"] = Quote($"fuzz-{_random.Next(50)}"),
            ["parent_recid"] = Quote("fuzz-concept"),
            ["file_key"] = Quote("data.csv"),
            ["owner_id"] = Quote("user-1"),
            ["community"] = Quote("hep"),
            ["start_date"] = Quote("2024-01-01"),
            ["end_date"] = Quote("2024-12-31"),
            ["interval"] = Quote(Pick(s_intervals)),
        };
        foreach (var (parameter, json) in overrides)
        {
            parameters[parameter] = json;
        }

        var chosen = parameters.Where(_ => _random.Next(4) != 0).Concat(parameters.Where(p => overrides.Any(o => o.Parameter == p.Key))).DistinctBy(p => p.Key);
        return $"{{\"stat\": {Quote(Pick(s_stats))}, \"params\": {{{string.Join(", ", chosen.Select(p => $"{Quote(p.Key)}: {p.Value}"))}}}}}";
    }

    private (string Description, byte[] Body) WrongField(Func<string, string> wrap)
    {
        var (field, value) = (Pick(s_eventFields), Pick(s_wrongValues));
        return ($"'{field}' = {value}", Encoding.UTF8.GetBytes(wrap(ValidEvent((field, value)))));
    }

    private byte[] RandomBytes(int max = 2000)
    {
        var bytes = new byte[_random.Next(0, max)];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Nested arrays and objects far deeper than any reader allows.</summary>
    private string Nest(int depth)
    {
        var open = new StringBuilder();
        var close = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            var array = _random.Next(2) == 0;
            open.Append(array ? "[" : "{\"a\": ");
            close.Insert(0, array ? "]" : "}");
        }

        return open.Append('1').Append(close).ToString();
    }

    /// <summary>The bytes with a malformed UTF-8 sequence put inside one of their strings.</summary>
    private byte[] BreakUtf8(byte[] utf8)
    {
        byte[][] broken = [[0xFF], [0xFE], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80]];
        var quotes = utf8.Select((b, i) => (b, i)).Where(p => p.b == (byte)'"').Select(p => p.i).ToList();
        var at = quotes.Count == 0 ? utf8.Length : quotes[_random.Next(quotes.Count)] + 1;
        return [.. utf8[..at], .. Pick(broken), .. utf8[at..]];
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private T Pick<T>(IReadOnlyList<T> choices) => choices[_random.Next(choices.Count)];

    private T Pick<T>(params Func<T>[] choices) => choices[_random.Next(choices.Length)]();
}
