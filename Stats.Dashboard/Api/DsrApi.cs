using Microsoft.AspNetCore.Http.HttpResults;
using Stats.Core.Access;
using Stats.Core.Reports.Dsr;

namespace Stats.Dashboard.Api;

/// <summary>
/// Make Data Count: <c>GET /sushi/rd1/reports/dsr?begin_date=yyyy-MM&amp;end_date=yyyy-MM&amp;api_key=...</c> gives the dataset
/// report (DSR, release rd1) of whole months. Authentication is SUSHI style: an API key with the <c>read</c> (or
/// <c>admin</c>) scope in <c>api_key</c> (or as a bearer token). Errors are SUSHI exceptions in the report's style.
/// </summary>
public static class DsrApi
{
    /// <summary>SUSHI's own parameters that this report accepts and ignores: there is one platform and no customers.</summary>
    private static readonly HashSet<string> s_ignored = new(StringComparer.Ordinal) { "customer_id", "requestor_id", "platform" };

    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal) { "api_key", "begin_date", "end_date" };

    public static IEndpointRouteBuilder MapDsrApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sushi/rd1/reports/dsr", GetReportAsync)
            .WithName("DatasetReport")
            .WithTags("Make Data Count")
            .WithSummary("The Make Data Count dataset report (DSR, release rd1) of whole months: begin_date and end_date as yyyy-MM, api_key with the read scope.")
            .WithDescription("Validates against DataCite's usage-report schema. 3020 for bad dates, 3031 when a month is not over or not " +
                "aggregated yet, 3050 for an unknown parameter; a range without usage gives an empty report with the warning 3030.");
        return app;
    }

    internal static async Task<Results<JsonHttpResult<DatasetReport>, JsonHttpResult<DsrExceptionInfo>>> GetReportAsync(
        HttpContext http, ApiKeyService keys, DatasetReportBuilder reports, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        if (await AuthenticateAsync(http, keys, query["api_key"].ToString()) is { } denied)
        {
            return denied;
        }

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
            return TypedResults.Json(await reports.BuildAsync(begin, end, cancellationToken), DatasetReport.JsonOptions);
        }
        catch (DsrReportException ex)
        {
            return TypedResults.Json(ex.Error, DatasetReport.JsonOptions, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>Null when the key may read reports; otherwise the SUSHI exception to answer with (2020 no valid key, 2000 no scope).</summary>
    private static async Task<JsonHttpResult<DsrExceptionInfo>?> AuthenticateAsync(HttpContext http, ApiKeyService keys, string apiKey)
    {
        const string Bearer = "Bearer ";
        var header = http.Request.Headers.Authorization.ToString();
        var presented = apiKey.Length > 0 ? apiKey : header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header[Bearer.Length..].Trim() : "";
        var identity = presented.Length == 0 ? null : await keys.VerifyAsync(presented, http.RequestAborted);
        if (identity is null)
        {
            return Error(StatusCodes.Status401Unauthorized, 2020, "API Key Invalid", presented.Length == 0
                ? "Send an API key with the read scope as api_key. Keys are created with the 'apikey create' verb."
                : "The API key is unknown, malformed or revoked.");
        }

        return identity.Scopes.Contains(ApiScopes.Read) || identity.Scopes.Contains(ApiScopes.Admin)
            ? null
            : Error(StatusCodes.Status403Forbidden, 2000, "Requestor Not Authorized to Access Service", $"The key '{identity.Name}' does not have the read scope.");
    }

    private static JsonHttpResult<DsrExceptionInfo> Error(int status, int code, string message, string data) =>
        TypedResults.Json(new DsrExceptionInfo(code, "error", message, data), DatasetReport.JsonOptions, statusCode: status);
}
