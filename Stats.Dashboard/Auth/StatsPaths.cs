using Microsoft.Extensions.Options;
using Stats.Core.Reports;

namespace Stats.Dashboard.Auth;

/// <summary>Which requests are for machines (JSON APIs) and which for people (pages).</summary>
public static class StatsPaths
{
    private static readonly string[] s_machinePrefixes = ["/api", "/metrics", "/healthz", "/openapi"];

    /// <summary>The API, SUSHI, metrics, health and OpenAPI paths: they answer with statuses and problem details, never with a login page.</summary>
    public static bool IsMachineEndpoint(HttpContext context)
    {
        var path = context.Request.Path;
        if (s_machinePrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var sushi = context.RequestServices.GetService<IOptions<SushiOptions>>()?.Value.BasePath;
        return sushi is not null && path.StartsWithSegments(sushi, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The embeddable widgets (<c>/embed/...</c>): the only pages other sites may frame.</summary>
    public static bool IsEmbed(HttpContext context) => context.Request.Path.StartsWithSegments("/embed", StringComparison.OrdinalIgnoreCase);
}
