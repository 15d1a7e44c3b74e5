using System.Globalization;
using System.Text;

namespace Stats.Core.Reports;

/// <summary>
/// The tabular form of a report (COUNTER R5.1, section 3.2): thirteen header rows (name and value), a blank row, the
/// column headings, then one row per item (or platform), attribute combination and metric, with a column per month
/// of the period (zeros included) unless the granularity is Total.
/// </summary>
public static class CounterTsv
{
    public static string Report(CounterReportResult result, SushiOptions options)
    {
        var request = result.Request;
        var months = request.Totals ? [] : request.Months().ToList();
        var isItemReport = request.Report is CounterReport.IR or CounterReport.IR_A1;
        var text = new StringBuilder();

        Row(text, "Report_Name", CounterReports.Name(request.Report));
        Row(text, "Report_ID", CounterReports.Id(request.Report));
        Row(text, "Release", "5.1");
        Row(text, "Institution_Name", result.Member.InstitutionName);
        Row(text, "Institution_ID", $"Proprietary:{options.PlatformId}:{result.Member.CustomerId}");
        Row(text, "Metric_Types", string.Join("; ", request.Metrics));
        Row(text, "Report_Filters", Filters(request));
        Row(text, "Report_Attributes", Attributes(request));
        Row(text, "Exceptions", string.Join("; ", result.Exceptions.Distinct().Select(e => e.Data is null ? $"{e.Code}: {e.Message}" : $"{e.Code}: {e.Message} ({e.Data})")));
        Row(text, "Reporting_Period", $"Begin_Date={request.Begin:yyyy-MM-dd}; End_Date={request.End:yyyy-MM-dd}");
        Row(text, "Created", result.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Row(text, "Created_By", options.PlatformName);
        Row(text, "Registry_Record", options.RegistryRecord);
        text.Append('\n');

        var columns = new List<string>();
        if (isItemReport)
        {
            columns.AddRange(["Item", "Publisher", "Publisher_ID", "Platform"]);
            if (request.AttributesToShow.Contains("Publication_Date") || request.Report == CounterReport.IR_A1)
            {
                columns.Add("Publication_Date");
            }

            columns.AddRange(["DOI", "Proprietary_ID", "ISBN", "Print_ISSN", "Online_ISSN", "URI"]);
        }
        else
        {
            columns.Add("Platform");
        }

        var showDataType = request.Report != CounterReport.IR_A1;
        var showYop = request.AttributesToShow.Contains("YOP");
        var showAccessType = request.AttributesToShow.Contains("Access_Type") || request.Report == CounterReport.IR_A1;
        var showMethod = request.AttributesToShow.Contains("Access_Method");
        if (showDataType)
        {
            columns.Add("Data_Type");
        }

        if (showYop)
        {
            columns.Add("YOP");
        }

        if (showAccessType)
        {
            columns.Add("Access_Type");
        }

        if (showMethod)
        {
            columns.Add("Access_Method");
        }

        columns.AddRange(["Metric_Type", "Reporting_Period_Total"]);
        columns.AddRange(months.Select(m => m.ToString("MMM-yyyy", CultureInfo.InvariantCulture)));
        text.AppendJoin('\t', columns).Append('\n');

        foreach (var line in result.Lines)
        {
            foreach (var metric in CounterReports.Metrics.Where(line.Metrics.ContainsKey))
            {
                var cells = new List<string>();
                if (line.Item is { } item)
                {
                    cells.AddRange([item.Title ?? item.Recid, options.PlatformName, "", options.PlatformName]);
                    if (columns.Contains("Publication_Date"))
                    {
                        cells.Add(item.PublicationDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "");
                    }

                    cells.AddRange(["", $"{options.PlatformId}:{item.Recid}", "", "", "", ""]);
                }
                else
                {
                    cells.Add(options.PlatformName);
                }

                if (showDataType)
                {
                    cells.Add(line.DataType);
                }

                if (showYop)
                {
                    cells.Add(line.Yop ?? "");
                }

                if (showAccessType)
                {
                    cells.Add(line.AccessType ?? "");
                }

                if (showMethod)
                {
                    cells.Add(line.AccessMethod ?? "");
                }

                var counts = line.Metrics[metric];
                cells.Add(metric);
                cells.Add(counts.Values.Sum().ToString(CultureInfo.InvariantCulture));
                cells.AddRange(months.Select(m => counts.GetValueOrDefault(CounterReportService.Month(m)).ToString(CultureInfo.InvariantCulture)));
                text.AppendJoin('\t', cells.Select(Clean)).Append('\n');
            }
        }

        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, string value) => text.Append(name).Append('\t').Append(Clean(value)).Append('\n');

    /// <summary>
    /// Tabs and line breaks inside a value would break the table: they become spaces. A value a spreadsheet would run as
    /// a formula is neutralised; the counts are never negative, so no number is touched.
    /// </summary>
    private static string Clean(string value) => SpreadsheetText.Neutralise(value.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' '));

    private static string Filters(ReportRequest request)
    {
        var parts = new List<string>();
        switch (request.Report)
        {
            case CounterReport.PR_P1:
                parts.Add("Access_Method=Regular");
                break;
            case CounterReport.IR_A1:
                parts.Add("Data_Type=Article");
                parts.Add("Access_Method=Regular");
                break;
            default:
                parts.AddRange(request.Filters.Where(f => f.Key != "Metric_Type").Select(f => $"{f.Key}={string.Join('|', f.Value)}"));
                break;
        }

        return string.Join("; ", parts);
    }

    private static string Attributes(ReportRequest request)
    {
        var parts = new List<string>();
        if (request.AttributesToShow.Count > 0)
        {
            parts.Add("Attributes_To_Show=" + string.Join('|', request.AttributesToShow.Order(StringComparer.Ordinal)));
        }

        if (request.Totals)
        {
            parts.Add("Granularity=Totals");
        }

        return string.Join("; ", parts);
    }
}
