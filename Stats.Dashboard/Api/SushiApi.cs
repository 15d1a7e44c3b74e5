using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Stats.Core;
using Stats.Core.Reports;
using Stats.Dashboard.Access;
using Stats.Dashboard.Auth;

namespace Stats.Dashboard.Api;

/// <summary>
/// COUNTER_SUSHI R5.1 under <see cref="SushiOptions.BasePath"/>: status (public), members, the report list, and the
/// PR, PR_P1, IR and IR_A1 reports as JSON, or in the tabular form with <c>format=tsv</c>. Every error is a COUNTER
/// exception object with the HTTP status the R5.1 OpenAPI document gives it.
/// </summary>
public static class SushiApi
{
    private const string Tsv = "text/tab-separated-values";

    /// <summary>Registers the report builder, its settings, and the harvesters' rate limit.</summary>
    public static IHostApplicationBuilder AddSushiApi(this IHostApplicationBuilder builder)
    {
        builder.AddStatsReports();
        builder.Services.AddSingleton<SushiRateLimit>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSushiApi(this IEndpointRouteBuilder app)
    {
        var basePath = app.ServiceProvider.GetRequiredService<IOptions<SushiOptions>>().Value.BasePath;
        // COUNTER's ways: the key as api_key or requestor_id, refusals and the rate limit as COUNTER exceptions.
        var api = app.MapGroup(basePath + "/r51").WithTags("COUNTER_SUSHI").DisableAntiforgery()
            .RequireAuthorization(StatsPolicies.SushiHarvest)
            .WithMetadata(new SushiErrorFormat(Error))
            .AddEndpointFilter(app.ServiceProvider.GetRequiredService<SushiRateLimit>());
        api.MapGet("/status", GetStatus).WithName("SushiStatus").WithSummary("Whether the reporting service is active (public).").AllowAnonymous();
        api.MapGet("/members", GetMembersAsync).WithName("SushiMembers").WithSummary("The customers: \"The World\" (0000000000000000), and communities when they are members.");
        api.MapGet("/reports", GetReportListAsync).WithName("SushiReports").WithSummary("The reports supported, with the months available.");
        foreach (var report in Enum.GetValues<CounterReport>())
        {
            api.MapGet("/reports/" + CounterReports.Id(report).ToLowerInvariant(), (HttpContext http, ViewerClaims claims, CounterReportService reports, IOptions<SushiOptions> options) =>
                    GetReportAsync(report, http, claims, reports, options))
                .WithName("Sushi" + CounterReports.Id(report))
                .WithSummary($"COUNTER R5.1 {CounterReports.Id(report)} - {CounterReports.Name(report)} (format=tsv for the tabular form).");
        }

        return app;
    }

    internal static IResult GetStatus(IOptions<SushiOptions> options) => TypedResults.Json(CounterJson.Status(options.Value, active: true));

    internal static async Task<IResult> GetMembersAsync(HttpContext http, CounterReportService reports)
    {
        if (await UnknownCustomerAsync(http, reports) is { } unknown)
        {
            return Error(unknown);
        }

        return TypedResults.Json(CounterJson.Members(await reports.MembersAsync(http.RequestAborted)));
    }

    internal static async Task<IResult> GetReportListAsync(HttpContext http, CounterReportService reports, IOptions<SushiOptions> options)
    {
        if (await UnknownCustomerAsync(http, reports) is { } unknown)
        {
            return Error(unknown);
        }

        return TypedResults.Json(CounterJson.ReportList(await reports.ReportListAsync(http.RequestAborted), options.Value));
    }

    internal static async Task<IResult> GetReportAsync(
        CounterReport report, HttpContext http, ViewerClaims claims, CounterReportService reports, IOptions<SushiOptions> options)
    {
        var query = http.Request.Query.ToDictionary(q => q.Key.ToLowerInvariant(), q => q.Value.ToString(), StringComparer.Ordinal);
        try
        {
            var request = ReportRequest.Parse(report, query, options.Value);
            // The harvester's key reads as its role: usage the access rules hide from it is left out.
            var result = await reports.BuildAsync(request, claims.ViewerOf(http.User), http.RequestAborted);
            return WantsTsv(http, query)
                ? TypedResults.Text(CounterTsv.Report(result, options.Value), Tsv + "; charset=utf-8")
                : TypedResults.Json(CounterJson.Report(result, options.Value));
        }
        catch (CounterRequestException ex)
        {
            return Error(ex.Error);
        }
    }

    private static bool WantsTsv(HttpContext http, Dictionary<string, string> query) =>
        query.TryGetValue("format", out var format)
            ? string.Equals(format, "tsv", StringComparison.OrdinalIgnoreCase)
            : http.Request.Headers.Accept.ToString().Contains(Tsv, StringComparison.OrdinalIgnoreCase);

    private static async Task<CounterError?> UnknownCustomerAsync(HttpContext http, CounterReportService reports)
    {
        var customer = http.Request.Query["customer_id"].ToString();
        return customer.Length > 0 && await reports.MemberAsync(customer, http.RequestAborted) is null
            ? CounterError.NotAuthorizedForInstitution($"customer_id {customer} is not a member: see /members.")
            : null;
    }

    private static JsonHttpResult<JsonObject> Error(CounterError error) => TypedResults.Json(CounterJson.Error(error), statusCode: error.HttpStatus);
}
