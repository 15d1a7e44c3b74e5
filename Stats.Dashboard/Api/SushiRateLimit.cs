using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Stats.Core.Reports;
using Stats.Dashboard.Auth;

namespace Stats.Dashboard.Api;

/// <summary>
/// How often one key may harvest (COUNTER_SUSHI and Make Data Count together): exception 1020 with <c>Retry-After</c> beyond
/// <see cref="SushiOptions.RequestsPerMinute"/> per key. A filter on the endpoints of the <see cref="StatsPolicies.SushiHarvest"/>
/// policy, which has found the key by then.
/// </summary>
public sealed class SushiRateLimit : IEndpointFilter, IDisposable
{
    private readonly PartitionedRateLimiter<int>? _limiter;

    public SushiRateLimit(IOptions<SushiOptions> options)
    {
        var perMinute = options.Value.RequestsPerMinute;
        _limiter = perMinute == 0 ? null : PartitionedRateLimiter.Create<int, int>(key => RateLimitPartition.GetFixedWindowLimiter(
            key, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (_limiter is not null && int.TryParse(http.User.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value, CultureInfo.InvariantCulture, out var key))
        {
            using var lease = _limiter.AttemptAcquire(key);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return SushiErrorFormat.Of(http).Write(CounterError.TooManyRequests("Too many requests for this key: wait before the next one."));
            }
        }

        return await next(context);
    }

    public void Dispose() => _limiter?.Dispose();
}
