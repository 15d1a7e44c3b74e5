using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Stats.Dashboard.Api;

/// <summary>The <c>Stats:Api</c> settings: who may call the read API from a browser page of another site.</summary>
public sealed partial class ApiOptions
{
    public const string SectionName = "Stats:Api";

    /// <summary>
    /// The origins (<c>https://repo.example.org</c>, with a port when it is not the scheme's) whose pages may read
    /// statistics cross-origin, as invenio front ends do; <c>*</c> for any. Empty (the default): none.
    /// </summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>What is wrong with these settings, one sentence per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Validate() =>
        [.. CorsOrigins.Where(o => o != "*" && !OriginPattern().IsMatch(o)).Select(o =>
            $"{SectionName}:CorsOrigins has '{o}', but each entry must be an origin such as https://repo.example.org (scheme, host, optional port; no path) or *.")];

    // What a browser sends in Origin: a scheme, a host and an optional port, nothing after.
    [GeneratedRegex(@"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")]
    private static partial Regex OriginPattern();
}

/// <summary>
/// Cross-origin reads (CORS) of the statistics: pages on the origins of <see cref="ApiOptions.CorsOrigins"/> may call
/// <c>GET</c>/<c>POST /api/stats</c> and <c>/api/stats/records</c> with a JSON body (after a preflight). Only the endpoints
/// that name <see cref="Policy"/> allow it: ingestion, admin, account, SUSHI and Make Data Count never do. Credentials are
/// never allowed (no <c>Access-Control-Allow-Credentials</c>, no <c>Authorization</c> header): a foreign page reads what an
/// anonymous visitor may read.
/// </summary>
public static class ReadApiCors
{
    public const string Policy = "stats-read-api";

    /// <summary>Registers the <c>Stats:Api</c> settings (validated at start) and the policy.</summary>
    public static WebApplicationBuilder AddReadApiCors(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<ApiOptions>>((cors, api) => cors.AddPolicy(Policy, policy =>
        {
            if (api.Value.CorsOrigins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins([.. api.Value.CorsOrigins]);
            }

            // Content-Type for the JSON bodies; nothing that carries credentials. A browser asks again after an hour at most.
            policy.WithMethods(HttpMethods.Get, HttpMethods.Post).WithHeaders("Content-Type").SetPreflightMaxAge(TimeSpan.FromHours(1));
        }));
        return builder;
    }

    private sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
    {
        public ValidateOptionsResult Validate(string? name, ApiOptions options) =>
            options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
