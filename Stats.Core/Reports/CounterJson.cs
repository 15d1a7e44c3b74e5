using System.Globalization;
using System.Text.Json.Nodes;

namespace Stats.Core.Reports;

/// <summary>The JSON forms of COUNTER_SUSHI R5.1 (the schemas under <c>components/schemas</c> of its OpenAPI document).</summary>
public static class CounterJson
{
    public static JsonObject Error(CounterError exception)
    {
        var json = new JsonObject { ["Code"] = exception.Code, ["Message"] = exception.Message };
        if (exception.Data is { } data)
        {
            json["Data"] = data;
        }

        return json;
    }

    public static JsonArray Status(SushiOptions options, bool active)
    {
        var status = new JsonObject
        {
            ["Description"] = $"COUNTER_SUSHI R5.1 usage reports of {options.PlatformName}.",
            ["Service_Active"] = active,
        };
        if (options.RegistryRecord.Length > 0)
        {
            status["Registry_Record"] = options.RegistryRecord;
        }

        return [status];
    }

    public static JsonArray Members(IEnumerable<SushiMember> members) =>
        [.. members.Select(m => (JsonNode)new JsonObject { ["Customer_ID"] = m.CustomerId, ["Institution_Name"] = m.InstitutionName })];

    public static JsonArray ReportList(IEnumerable<ReportInfo> reports, SushiOptions options) =>
        [.. reports.Select(r => (JsonNode)new JsonObject
        {
            ["Report_Name"] = CounterReports.Name(r.Report),
            ["Report_ID"] = CounterReports.Id(r.Report),
            ["Release"] = "5.1",
            ["Report_Description"] = CounterReports.Description(r.Report),
            ["Path"] = $"{options.BasePath}/r51/reports/{CounterReports.Id(r.Report).ToLowerInvariant()}",
            ["First_Month_Available"] = r.FirstMonthAvailable,
            ["Last_Month_Available"] = r.LastMonthAvailable,
        })];

    /// <summary>A report: header, then items (the platform, or the records under one Items list without a parent).</summary>
    public static JsonObject Report(CounterReportResult result, SushiOptions options)
    {
        var items = new JsonArray();
        var report = result.Request.Report;
        if (report is CounterReport.PR or CounterReport.PR_P1)
        {
            if (result.Lines.Count > 0)
            {
                items.Add(new JsonObject
                {
                    ["Platform"] = options.PlatformName,
                    ["Attribute_Performance"] = new JsonArray([.. result.Lines.Select(l => (JsonNode)AttributePerformance(l, report))]),
                });
            }
        }
        else
        {
            var records = new JsonArray();
            foreach (var group in result.Lines.GroupBy(l => l.Item!.Recid, StringComparer.Ordinal))
            {
                records.Add(Item(group.First().Item!, [.. group], result.Request, options));
            }

            if (records.Count > 0)
            {
                items.Add(new JsonObject { ["Items"] = records });
            }
        }

        return new JsonObject { ["Report_Header"] = Header(result, options), ["Report_Items"] = items };
    }

    private static JsonObject Header(CounterReportResult result, SushiOptions options)
    {
        var request = result.Request;
        var filters = new JsonObject
        {
            ["Begin_Date"] = request.Begin.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["End_Date"] = request.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        switch (request.Report)
        {
            case CounterReport.PR_P1:
                filters["Access_Method"] = new JsonArray("Regular");
                filters["Metric_Type"] = new JsonArray("Searches_Platform", "Total_Item_Requests", "Unique_Item_Requests", "Unique_Title_Requests");
                break;
            case CounterReport.IR_A1:
                filters["Access_Method"] = new JsonArray("Regular");
                filters["Data_Type"] = new JsonArray("Article");
                filters["Metric_Type"] = new JsonArray("Total_Item_Requests", "Unique_Item_Requests");
                break;
            default:
                foreach (var (name, values) in request.Filters)
                {
                    filters[name] = name == "Item_ID" ? values[0] : new JsonArray([.. values.Select(v => (JsonNode)v)]);
                }

                break;
        }

        var header = new JsonObject
        {
            ["Release"] = "5.1",
            ["Report_ID"] = CounterReports.Id(request.Report),
            ["Report_Name"] = CounterReports.Name(request.Report),
            ["Created"] = result.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["Created_By"] = options.PlatformName,
            ["Institution_ID"] = new JsonObject { ["Proprietary"] = new JsonArray($"{options.PlatformId}:{result.Member.CustomerId}") },
            ["Institution_Name"] = result.Member.InstitutionName,
            ["Registry_Record"] = options.RegistryRecord,
            ["Report_Filters"] = filters,
        };

        if (request.Report is CounterReport.PR or CounterReport.IR)
        {
            var attributes = new JsonObject();
            if (request.AttributesToShow.Count > 0)
            {
                attributes["Attributes_To_Show"] = new JsonArray([.. request.AttributesToShow.Order(StringComparer.Ordinal).Select(a => (JsonNode)a)]);
            }

            if (request.Totals)
            {
                attributes["Granularity"] = "Total";
            }

            if (attributes.Count > 0)
            {
                header["Report_Attributes"] = attributes;
            }
        }

        if (result.Exceptions.Count > 0)
        {
            header["Exceptions"] = new JsonArray([.. result.Exceptions.Distinct().Select(e => (JsonNode)Error(e))]);
        }

        return header;
    }

    private static JsonObject Item(ReportItem item, IReadOnlyList<ReportLine> lines, ReportRequest request, SushiOptions options)
    {
        var json = new JsonObject
        {
            ["Item"] = item.Title ?? item.Recid,
            ["Publisher"] = options.PlatformName,
            ["Platform"] = options.PlatformName,
            ["Item_ID"] = new JsonObject { ["Proprietary"] = $"{options.PlatformId}:{item.Recid}" },
        };
        if (request.Report == CounterReport.IR && request.AttributesToShow.Contains("Publication_Date") && item.PublicationDate is { } published)
        {
            json["Publication_Date"] = published.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        json["Attribute_Performance"] = new JsonArray([.. lines.Select(l => (JsonNode)AttributePerformance(l, request.Report))]);
        return json;
    }

    private static JsonObject AttributePerformance(ReportLine line, CounterReport report)
    {
        var json = new JsonObject();
        if (report != CounterReport.IR_A1)
        {
            json["Data_Type"] = line.DataType;
        }

        if (line.Yop is { } yop)
        {
            json["YOP"] = yop;
        }

        if (line.AccessType is { } accessType)
        {
            json["Access_Type"] = accessType;
        }

        if (line.AccessMethod is { } method)
        {
            json["Access_Method"] = method;
        }

        var performance = new JsonObject();
        foreach (var metric in CounterReports.Metrics.Where(line.Metrics.ContainsKey))
        {
            performance[metric] = new JsonObject([.. line.Metrics[metric].Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))]);
        }

        json["Performance"] = performance;
        return json;
    }
}
