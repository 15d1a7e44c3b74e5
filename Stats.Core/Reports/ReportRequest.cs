using System.Globalization;
using Stats.Core.Data;

namespace Stats.Core.Reports;

/// <summary>The COUNTER reports and standard views this server answers.</summary>
public enum CounterReport
{
    PR,
    PR_P1,
    IR,
    IR_A1,
}

/// <summary>COUNTER's names and the parameters each report takes.</summary>
public static class CounterReports
{
    public const string TotalItemInvestigations = "Total_Item_Investigations";
    public const string UniqueItemInvestigations = "Unique_Item_Investigations";
    public const string TotalItemRequests = "Total_Item_Requests";
    public const string UniqueItemRequests = "Unique_Item_Requests";

    /// <summary>The metrics a repository has, in COUNTER's order.</summary>
    public static IReadOnlyList<string> Metrics { get; } = [TotalItemInvestigations, TotalItemRequests, UniqueItemInvestigations, UniqueItemRequests];

    /// <summary>Parameters every report request may carry (<c>format</c> is ours: <c>json</c> or <c>tsv</c>).</summary>
    public static IReadOnlySet<string> CommonParameters { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "customer_id", "requestor_id", "api_key", "platform", "begin_date", "end_date", "format" };

    public static string Id(CounterReport report) => report.ToString();

    public static string Name(CounterReport report) => report switch
    {
        CounterReport.PR => "Platform Report",
        CounterReport.PR_P1 => "Platform Usage",
        CounterReport.IR => "Item Report",
        CounterReport.IR_A1 => "Journal Article Requests",
        _ => throw new ArgumentOutOfRangeException(nameof(report), report, null),
    };

    public static string Description(CounterReport report) => report switch
    {
        CounterReport.PR => "Usage of the repository as a whole, by data type and access method.",
        CounterReport.PR_P1 => "Requests of the repository's items (standard view of the Platform Report).",
        CounterReport.IR => "Usage of each record (item), with its data type, year of publication, access type and access method.",
        CounterReport.IR_A1 => "Requests of the repository's articles (standard view of the Item Report).",
        _ => throw new ArgumentOutOfRangeException(nameof(report), report, null),
    };

    /// <summary>The parameters the report takes beyond <see cref="CommonParameters"/> (the standard views take none).</summary>
    public static IReadOnlySet<string> Parameters(CounterReport report) => report switch
    {
        CounterReport.PR => new HashSet<string>(StringComparer.Ordinal) { "metric_type", "data_type", "access_method", "attributes_to_show", "granularity" },
        CounterReport.IR => new HashSet<string>(StringComparer.Ordinal)
        {
            "metric_type", "data_type", "access_method", "access_type", "yop", "item_id", "attributes_to_show", "granularity",
            "include_parent_details", "include_component_details",
        },
        _ => new HashSet<string>(StringComparer.Ordinal),
    };

    /// <summary>The COUNTER name of an access method: scripted tools (Machine) are reported as TDM, the only other value R5.1 knows.</summary>
    public static string AccessMethodName(AccessMethod method) => method == AccessMethod.Machine ? "TDM" : "Regular";

    /// <summary>COUNTER's Access_Type: open records are Open, every other access right Controlled.</summary>
    public static string AccessTypeName(AccessRight right) => right == AccessRight.Open ? "Open" : "Controlled";

    /// <summary>COUNTER's YOP: the publication year, or 0001 when unknown.</summary>
    public static string Yop(DateTime? publishedAt) => publishedAt is { } at ? at.Year.ToString("D4", CultureInfo.InvariantCulture) : "0001";

    /// <summary>COUNTER's Data_Type of an Invenio/Zenodo resource type (<c>publication-article</c>, <c>dataset</c>, ...).</summary>
    public static string DataType(string? resourceType)
    {
        var type = (resourceType ?? "").Trim().ToLowerInvariant();
        return type switch
        {
            "" => "Unspecified",
            "publication-thesis" => "Thesis_or_Dissertation",
            "publication-report" or "publication-technicalnote" or "publication-workingpaper" or "publication-deliverable" => "Report",
            "publication-conferencepaper" or "publication-conferenceproceeding" => "Conference_Item",
            "publication-section" => "Book_Segment",
            "publication-patent" => "Patent",
            "publication-standard" => "Standard",
            "publication-book" or "publication-other" or "publication-datamanagementplan" => "Other",
            "publication-preprint" or "publication-article" or "publication" or "article" or "publication-peerreview" => "Article",
            _ when type.StartsWith("dataset", StringComparison.Ordinal) => "Dataset",
            _ when type.StartsWith("software", StringComparison.Ordinal) => "Software",
            _ when type.StartsWith("image", StringComparison.Ordinal) => "Image",
            _ when type.StartsWith("video", StringComparison.Ordinal) => "Audiovisual",
            _ when type.StartsWith("audio", StringComparison.Ordinal) => "Sound",
            _ when type.StartsWith("publication", StringComparison.Ordinal) => "Article",
            _ => "Other",
        };
    }

    /// <summary>The data types an item report may carry (R5.1's IR enumeration).</summary>
    public static IReadOnlySet<string> ItemDataTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Article", "Audiovisual", "Book_Segment", "Conference_Item", "Database_Full_Item", "Dataset", "Image", "Interactive_Resource",
        "Multimedia", "News_Item", "Other", "Patent", "Reference_Item", "Report", "Software", "Sound", "Standard", "Thesis_or_Dissertation",
        "Unspecified",
    };
}

/// <summary>A parsed report request: what to report, for whom, over which whole months, and the warnings to report with it.</summary>
public sealed class ReportRequest
{
    private static readonly string[] s_attributesIr = ["YOP", "Access_Type", "Access_Method", "Publication_Date"];
    private static readonly string[] s_attributesPr = ["Access_Method"];

    public required CounterReport Report { get; init; }

    public required string CustomerId { get; init; }

    /// <summary>The first day of the first month.</summary>
    public required DateOnly Begin { get; init; }

    /// <summary>The last day of the last month.</summary>
    public required DateOnly End { get; init; }

    /// <summary>One count per metric for the whole period instead of one per month.</summary>
    public bool Totals { get; init; }

    public required IReadOnlyList<string> Metrics { get; init; }

    /// <summary>Null for every data type.</summary>
    public IReadOnlySet<string>? DataTypes { get; init; }

    /// <summary>Null for both.</summary>
    public IReadOnlySet<string>? AccessTypes { get; init; }

    /// <summary>Regular unless TDM (scripted tools) is asked for too or instead.</summary>
    public required IReadOnlyList<AccessMethod> AccessMethods { get; init; }

    /// <summary>Null for every year; else inclusive ranges.</summary>
    public IReadOnlyList<(int From, int To)>? Yops { get; init; }

    /// <summary>A recid (or <c>{PlatformId}:{recid}</c>), or null for every item.</summary>
    public string? ItemId { get; init; }

    public required IReadOnlySet<string> AttributesToShow { get; init; }

    /// <summary>Filters as given (for the header), COUNTER-named.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Filters { get; init; }

    /// <summary>Non-fatal exceptions found while parsing (3050, 3060, 3062).</summary>
    public required IReadOnlyList<CounterError> Warnings { get; init; }

    /// <summary>
    /// Parses the query of a report request. Throws <see cref="CounterRequestException"/> for a request that cannot be
    /// answered (no customer id, invalid dates); unknown parameters and values are reported as warnings and ignored.
    /// </summary>
    public static ReportRequest Parse(CounterReport report, IReadOnlyDictionary<string, string> query, SushiOptions options)
    {
        var warnings = new List<CounterError>();
        var known = CounterReports.Parameters(report);
        foreach (var name in query.Keys.Where(k => !CounterReports.CommonParameters.Contains(k) && !known.Contains(k)).Order(StringComparer.Ordinal))
        {
            warnings.Add(CounterError.ParameterNotRecognized(name));
        }

        var customer = query.GetValueOrDefault("customer_id");
        if (string.IsNullOrWhiteSpace(customer))
        {
            throw new CounterRequestException(CounterError.InsufficientInformation("customer_id is required."));
        }

        var begin = ParseMonth(query.GetValueOrDefault("begin_date"), "begin_date");
        var end = ParseMonth(query.GetValueOrDefault("end_date"), "end_date");
        if (end < begin)
        {
            throw new CounterRequestException(CounterError.InvalidDates("end_date is before begin_date."));
        }

        var filters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var granularity = report is CounterReport.PR or CounterReport.IR ? Value(query, "granularity") : null;
        var totals = false;
        if (granularity is not null)
        {
            if (granularity is "Total" or "Totals")
            {
                totals = true;
            }
            else if (granularity != "Month")
            {
                warnings.Add(CounterError.InvalidAttributeValue($"granularity:{granularity}"));
            }
        }

        var platform = Value(query, "platform");
        if (platform is not null && platform != options.PlatformName && platform != options.PlatformId)
        {
            warnings.Add(CounterError.InvalidFilterValue($"platform:{platform}"));
        }

        var metrics = report switch
        {
            CounterReport.PR_P1 or CounterReport.IR_A1 => [CounterReports.TotalItemRequests, CounterReports.UniqueItemRequests],
            _ => Filter(query, "metric_type", "Metric_Type", CounterReports.Metrics, filters, warnings) ?? CounterReports.Metrics,
        };

        var dataTypeChoices = report == CounterReport.IR ? CounterReports.ItemDataTypes : CounterReports.ItemDataTypes.Append("Book").Append("Conference")
            .Append("Journal").Append("Newspaper_or_Newsletter").Append("Reference_Work").ToHashSet(StringComparer.Ordinal);
        var dataTypes = report switch
        {
            CounterReport.IR_A1 => ["Article"],
            CounterReport.PR or CounterReport.IR => Filter(query, "data_type", "Data_Type", dataTypeChoices, filters, warnings),
            _ => null,
        };

        IReadOnlyList<AccessMethod> methods = [AccessMethod.Regular];
        if (report is CounterReport.PR or CounterReport.IR && Filter(query, "access_method", "Access_Method", ["Regular", "TDM"], filters, warnings) is { } asked)
        {
            methods = [.. asked.Select(m => m == "TDM" ? AccessMethod.Machine : AccessMethod.Regular)];
        }

        var accessTypes = report == CounterReport.IR ? Filter(query, "access_type", "Access_Type", ["Controlled", "Open"], filters, warnings) : null;
        var yops = report == CounterReport.IR ? ParseYops(query, filters, warnings) : null;
        var itemId = report == CounterReport.IR ? Value(query, "item_id") : null;
        if (itemId is not null)
        {
            filters["Item_ID"] = [itemId];
            var prefix = options.PlatformId + ":";
            itemId = itemId.StartsWith(prefix, StringComparison.Ordinal) ? itemId[prefix.Length..] : itemId;
        }

        var attributes = new HashSet<string>(StringComparer.Ordinal);
        if (report is CounterReport.PR or CounterReport.IR && Value(query, "attributes_to_show") is { } shown)
        {
            var allowed = report == CounterReport.IR ? s_attributesIr : s_attributesPr;
            foreach (var attribute in Split(shown))
            {
                if (allowed.Contains(attribute, StringComparer.Ordinal))
                {
                    attributes.Add(attribute);
                }
                else
                {
                    warnings.Add(CounterError.InvalidAttributeValue($"attributes_to_show:{attribute}"));
                }
            }
        }

        if (report is CounterReport.IR && Value(query, "include_component_details") == "True")
        {
            warnings.Add(new CounterError(3063, "Components Not Supported"));
        }

        return new ReportRequest
        {
            Report = report,
            CustomerId = customer.Trim(),
            Begin = begin,
            End = new DateOnly(end.Year, end.Month, DateTime.DaysInMonth(end.Year, end.Month)),
            Totals = totals,
            Metrics = metrics,
            DataTypes = dataTypes?.ToHashSet(StringComparer.Ordinal),
            AccessTypes = accessTypes?.ToHashSet(StringComparer.Ordinal),
            AccessMethods = methods,
            Yops = yops,
            ItemId = itemId,
            AttributesToShow = attributes,
            Filters = filters,
            Warnings = warnings,
        };
    }

    /// <summary>The months of the period, first to last.</summary>
    public IEnumerable<DateOnly> Months()
    {
        for (var month = Begin; month <= End; month = month.AddMonths(1))
        {
            yield return month;
        }
    }

    private static DateOnly ParseMonth(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CounterRequestException(CounterError.InvalidDates($"{name} is required (yyyy-mm-dd or yyyy-mm)."));
        }

        string[] formats = ["yyyy-MM-dd", "yyyy-MM"];
        if (!DateOnly.TryParseExact(value.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) || date.Year < 1900)
        {
            throw new CounterRequestException(CounterError.InvalidDates($"{name} '{value}' is not a date (yyyy-mm-dd or yyyy-mm)."));
        }

        if (date.Year == DateOnly.MaxValue.Year)
        {
            // A report walks its months one after the other: the calendar's last year has no month after it to stop at.
            throw new CounterRequestException(CounterError.InvalidDates($"{name} '{value}' is after the last month a report can cover, {DateOnly.MaxValue.Year - 1}-12."));
        }

        // Reports cover whole months: a day in the month stands for the month.
        return new DateOnly(date.Year, date.Month, 1);
    }

    private static string? Value(IReadOnlyDictionary<string, string> query, string name) =>
        query.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static IEnumerable<string> Split(string value) =>
        value.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// The valid values of a multi-valued filter, in the order given, or null when it is absent (or has no valid value):
    /// invalid values are ignored with a 3060 warning each.
    /// </summary>
    private static List<string>? Filter(
        IReadOnlyDictionary<string, string> query, string name, string counterName, IEnumerable<string> choices,
        Dictionary<string, IReadOnlyList<string>> filters, List<CounterError> warnings)
    {
        if (Value(query, name) is not { } value)
        {
            return null;
        }

        var allowed = choices.ToHashSet(StringComparer.Ordinal);
        var valid = new List<string>();
        foreach (var item in Split(value))
        {
            if (allowed.Contains(item))
            {
                valid.Add(item);
            }
            else
            {
                warnings.Add(CounterError.InvalidFilterValue($"{name}:{item}"));
            }
        }

        if (valid.Count == 0)
        {
            return null;
        }

        filters[counterName] = valid;
        return valid;
    }

    private static List<(int From, int To)>? ParseYops(IReadOnlyDictionary<string, string> query, Dictionary<string, IReadOnlyList<string>> filters, List<CounterError> warnings)
    {
        if (Value(query, "yop") is not { } value)
        {
            return null;
        }

        var ranges = new List<(int From, int To)>();
        var given = new List<string>();
        foreach (var item in Split(value))
        {
            var parts = item.Split('-');
            if (parts.Length is 1 or 2 && parts.All(p => p.Length == 4 && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                var from = int.Parse(parts[0], CultureInfo.InvariantCulture);
                var to = int.Parse(parts[^1], CultureInfo.InvariantCulture);
                if (from <= to)
                {
                    ranges.Add((from, to));
                    given.Add(item);
                    continue;
                }
            }

            warnings.Add(CounterError.InvalidFilterValue($"yop:{item}"));
        }

        if (ranges.Count == 0)
        {
            return null;
        }

        filters["YOP"] = given;
        return ranges;
    }
}
