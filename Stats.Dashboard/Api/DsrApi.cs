using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Stats.Core.Reports;
using Stats.Core.Reports.Dsr;
using Stats.Dashboard.Access;
using Stats.Dashboard.Auth;

namespace Stats.Dashboard.Api;

/// <summary>
/// Make Data Count: <c>GET {Stats:Sushi:BasePath}/rd1/reports/dsr?begin_date=yyyy-MM&amp;end_date=yyyy-MM&amp;api_key=...</c> gives the dataset
/// report (DSR, release rd1) of whole months, of the usage the key may see. Authentication and rate limit are COUNTER_SUSHI's
/// (<see cref="StatsPolicies.SushiHarvest"/>, <see cref="SushiRateLimit"/>); errors are SUSHI exceptions in the report's style.
/// </summary>
public static class DsrApi
{
    /// <summary>SUSHI's own parameters that this report accepts and ignores: there is one platform and no customers.</summary>
    private static readonly HashSet<string> s_ignored = new(StringComparer.Ordinal) { "customer_id", "platform" };

    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal) { "api_key", "requestor_id", "begin_date", "end_date" };

    public static IEndpointRouteBuilder MapDsrApi(this IEndpointRouteBuilder app)
    {
        var basePath = app.ServiceProvider.GetRequiredService<IOptions<SushiOptions>>().Value.BasePath;
        app.MapGet(basePath + "/rd1/reports/dsr", GetReportAsync)
            .RequireAuthorization(StatsPolicies.SushiHarvest)
            .WithMetadata(new SushiErrorFormat(e => Error(e.HttpStatus, e.Code, e.Message, e.Data ?? "")))
            .AddEndpointFilter(app.ServiceProvider.GetRequiredService<SushiRateLimit>())
            .WithName("DatasetReport")
            .WithTags("Make Data Count")
            .WithSummary("The Make Data Count dataset report (DSR, release rd1) of whole months: begin_date and end_date as yyyy-MM, api_key with the read scope.")
            .WithDescription("Validates against DataCite's usage-report schema. 3020 for bad dates, 3031 when a month is not over or not " +
                "aggregated yet, 3050 for an unknown parameter; a range without usage gives an empty report with the warning 3030.");
        return app;
    }

    internal static async Task<Results<JsonHttpResult<DatasetReport>, JsonHttpResult<DsrExceptionInfo>>> GetReportAsync(
        HttpContext http, ViewerClaims claims, DatasetReportBuilder reports, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var unknown = query.Keys.Where(k => !s_known.Contains(k) && !s_ignored.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            return Error(StatusCodes.Status400BadRequest, 3050, "Parameter Not Recognized in this Context",
                $"Unknown parameter(s): {string.Join(", ", unknown)}. This report takes begin_date, end_date and api_key.");
        }

        var (beginText, endText) = (query["begin_date"].ToString(), query["end_date"].ToString());
        if (!DsrDates.TryParseMonth(beginText, out var begin) || !DsrDates.TryParseMonth(endText, out var end))
        {
            return Error(StatusCodes.Status400BadRequest, 3020, "Invalid Date Arguments",
                $"begin_date and end_date are required, as yyyy-MM (or yyyy-MM-dd), not '{beginText}' and '{endText}'.");
        }

        try
        {
            return TypedResults.Json(await reports.BuildAsync(begin, end, claims.ViewerOf(http.User), cancellationToken), DatasetReport.JsonOptions);
        }
        catch (DsrReportException ex)
        {
            return TypedResults.Json(ex.Error, DatasetReport.JsonOptions, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static JsonHttpResult<DsrExceptionInfo> Error(int status, int code, string message, string data) =>
        TypedResults.Json(new DsrExceptionInfo(code, "error", message, data), DatasetReport.JsonOptions, statusCode: status);
}
