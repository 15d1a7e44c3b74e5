using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Stats.Core.Access;
using Stats.Core.Reports;

namespace Stats.Dashboard.Api;

/// <summary>
/// Who may harvest COUNTER_SUSHI reports: an API key of scope <c>read</c> (or <c>admin</c>) sent as the <c>api_key</c>
/// query parameter (or as <c>requestor_id</c>), never an IP address; and how often (exception 1020 beyond
/// <see cref="SushiOptions.RequestsPerMinute"/> per key). Errors are COUNTER exception objects, not problem details,
/// so that every SUSHI endpoint (R5.1 and Make Data Count's) can share this.
/// </summary>
public sealed class SushiAuthentication : IDisposable
{
    private readonly ApiKeyService _keys;
    private readonly PartitionedRateLimiter<int>? _limiter;

    public SushiAuthentication(ApiKeyService keys, IOptions<SushiOptions> options)
    {
        _keys = keys;
        var perMinute = options.Value.RequestsPerMinute;
        _limiter = perMinute == 0 ? null : PartitionedRateLimiter.Create<int, int>(key => RateLimitPartition.GetFixedWindowLimiter(
            key, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>The key's identity, or the COUNTER exception to answer with (2000, 2020, or 1020 with Retry-After).</summary>
    public async Task<(ApiKeyIdentity? Identity, CounterError? Error)> AuthenticateAsync(HttpContext http)
    {
        var query = http.Request.Query;
        var apiKey = query["api_key"].ToString();
        var requestorId = query["requestor_id"].ToString();
        var presented = apiKey.Length > 0 ? apiKey : requestorId;
        if (presented.Length == 0)
        {
            return (null, CounterError.RequestorNotAuthorized("Send an API key of scope 'read' as api_key."));
        }

        var identity = await _keys.VerifyAsync(presented, http.RequestAborted);
        if (identity is null)
        {
            return (null, apiKey.Length > 0
                ? CounterError.ApiKeyInvalid("The API key is unknown, malformed or revoked.")
                : CounterError.RequestorNotAuthorized("The requestor_id is not a valid API key."));
        }

        if (!identity.Scopes.Contains(ApiScopes.Read) && !identity.Scopes.Contains(ApiScopes.Admin))
        {
            return (null, CounterError.RequestorNotAuthorized($"The key '{identity.Name}' does not have the 'read' scope."));
        }

        if (_limiter is not null)
        {
            using var lease = _limiter.AttemptAcquire(identity.Id);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return (null, CounterError.TooManyRequests("Too many requests for this key: wait before the next one."));
            }
        }

        return (identity, null);
    }

    public void Dispose() => _limiter?.Dispose();
}
