using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stats.Core.Reports.Dsr;

// The Make Data Count dataset report (COUNTER Code of Practice for Research Data, report "dsr", release "rd1") as
// DataCite's schema (datacite/sashimi, sushi_usage_schema.json) defines it. Names are the schema's, in kebab case.

/// <summary>
/// A dataset report. The header fields sit at the top level, where the schema's root requires them, and again under
/// <c>report-header</c>, where DataCite's usage-report hub reads them on submission.
/// </summary>
public sealed record DatasetReport(
    string ReportName,
    string ReportId,
    string Release,
    string Created,
    string CreatedBy,
    DsrPeriod ReportingPeriod,
    IReadOnlyList<DsrNameValue> ReportFilters,
    IReadOnlyList<DsrNameValue> ReportAttributes,
    IReadOnlyList<DsrExceptionInfo> Exceptions,
    IReadOnlyList<DatasetUsage> ReportDatasets)
{
    public DsrReportHeader ReportHeader =>
        new(ReportName, ReportId, Release, Created, CreatedBy, ReportingPeriod, ReportFilters, ReportAttributes, Exceptions);

    /// <summary>How every DSR document is written: the schema's kebab-case names, no nulls.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <summary>The schema's <c>sushi_report_header</c>.</summary>
public sealed record DsrReportHeader(
    string ReportName,
    string ReportId,
    string Release,
    string Created,
    string CreatedBy,
    DsrPeriod ReportingPeriod,
    IReadOnlyList<DsrNameValue> ReportFilters,
    IReadOnlyList<DsrNameValue> ReportAttributes,
    IReadOnlyList<DsrExceptionInfo> Exceptions);

/// <summary>A report filter or attribute.</summary>
public sealed record DsrNameValue(string Name, string Value);

/// <summary>An identifier, date or attribute of a dataset or publisher: <c>{"type", "value"}</c>.</summary>
public sealed record DsrTypeValue(string Type, string Value);

/// <summary>A period of days, both inclusive (<c>yyyy-MM-dd</c>).</summary>
public sealed record DsrPeriod(string BeginDate, string EndDate)
{
    public static DsrPeriod Of(DateOnly begin, DateOnly end) => new(DsrDates.Day(begin), DsrDates.Day(end));
}

/// <summary>One dataset (a record of the catalog) and its usage, month by month (<c>counter_dataset_usage</c>).</summary>
public sealed record DatasetUsage(
    string DatasetTitle,
    IReadOnlyList<DsrTypeValue> DatasetId,
    IReadOnlyList<DsrTypeValue>? DatasetDates,
    string Platform,
    string Publisher,
    IReadOnlyList<DsrTypeValue> PublisherId,
    string DataType,
    string Yop,
    IReadOnlyList<DsrPerformance> Performance);

/// <summary>The usage of one month (<c>counter_dataset_performance</c>).</summary>
public sealed record DsrPerformance(DsrPeriod Period, IReadOnlyList<DsrInstance> Instance);

/// <summary>
/// One metric for one access method (<c>counter_dataset_performance_instance</c>); only counts above zero are reported.
/// <c>country-counts</c> (lower-case ISO 3166 alpha-2) and <c>volume</c> (bytes) are Make Data Count additions the
/// schema allows: see <see cref="DatasetReportBuilder"/> for when they are given.
/// </summary>
public sealed record DsrInstance(
    string MetricType,
    string AccessMethod,
    long Count,
    IReadOnlyDictionary<string, long>? CountryCounts = null,
    long? Volume = null);

/// <summary>A SUSHI exception in the schema's style (<c>code</c>, <c>severity</c>, <c>message</c>, <c>data</c>).</summary>
public sealed record DsrExceptionInfo(int Code, string Severity, string Message, string? Data = null);

/// <summary>The metric names of the Code of Practice for Research Data.</summary>
public static class DsrMetrics
{
    public const string TotalInvestigations = "total-dataset-investigations";
    public const string UniqueInvestigations = "unique-dataset-investigations";
    public const string TotalRequests = "total-dataset-requests";
    public const string UniqueRequests = "unique-dataset-requests";

    public const string Regular = "regular";
    public const string Machine = "machine";
}

/// <summary>Dates as the report writes and reads them.</summary>
public static class DsrDates
{
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A month as <c>yyyy-MM</c> (or a day of it, <c>yyyy-MM-dd</c>, as SUSHI allows): its first day.</summary>
    public static bool TryParseMonth(string? text, out DateOnly month)
    {
        month = default;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        var styles = System.Globalization.DateTimeStyles.None;
        if (DateOnly.TryParseExact(text, "yyyy-MM", culture, styles, out var first) ||
            DateOnly.TryParseExact(text, "yyyy-MM-dd", culture, styles, out first))
        {
            month = new DateOnly(first.Year, first.Month, 1);
            return true;
        }

        return false;
    }
}
