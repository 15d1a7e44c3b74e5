using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Stats.Dashboard.Access;

namespace Stats.Dashboard.Auth;

/// <summary>
/// Turns the identity provider's claims into the dashboard's canonical ones (<see cref="ViewerClaims"/>): the user id, the
/// name, and <c>role</c> claims <c>admin</c> and <c>curator:&lt;community&gt;</c>, by <see cref="ClaimMappingOptions"/>.
/// The session keeps only these, so that a provider's other claims never leak into access decisions.
/// </summary>
public sealed class ClaimMapper(IOptions<ClaimMappingOptions> options)
{
    /// <summary>The canonical principal of a provider's user; null when the provider sent no user id.</summary>
    public ClaimsPrincipal? Map(ClaimsPrincipal external, string authenticationType)
    {
        var settings = options.Value;
        var userId = external.FindFirst(settings.UserId)?.Value;
        if (string.IsNullOrEmpty(userId))
        {
            return null;
        }

        var name = FirstOf(external, settings.Name, "preferred_username", "email") ?? userId;
        var roles = new List<string>();
        foreach (var value in ValuesOf(external, settings.Roles))
        {
            if (settings.AdminValues.Contains(value, StringComparer.Ordinal))
            {
                roles.Add(ViewerClaims.AdminRole);
            }

            if (CommunityOf(value, settings.CuratorPattern) is { } community)
            {
                roles.Add(ViewerClaims.CuratorRolePrefix + community);
            }
        }

        return Canonical(userId, name, roles.Distinct(StringComparer.Ordinal), authenticationType);
    }

    /// <summary>A principal made of canonical claims only.</summary>
    public static ClaimsPrincipal Canonical(string userId, string name, IEnumerable<string> roles, string authenticationType)
    {
        var claims = new List<Claim> { new(ViewerClaims.UserIdClaim, userId), new(ViewerClaims.NameClaim, name) };
        claims.AddRange(roles.Select(role => new Claim(ViewerClaims.RoleClaim, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ViewerClaims.NameClaim, ViewerClaims.RoleClaim));
    }

    /// <summary>The community a group or role names by <paramref name="pattern"/> (<c>curators-{community}</c>), or null.</summary>
    public static string? CommunityOf(string value, string pattern)
    {
        var at = pattern.IndexOf(ClaimMappingOptions.CommunityPlaceholder, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var prefix = pattern[..at];
        var suffix = pattern[(at + ClaimMappingOptions.CommunityPlaceholder.Length)..];
        if (value.Length <= prefix.Length + suffix.Length ||
            !value.StartsWith(prefix, StringComparison.Ordinal) || !value.EndsWith(suffix, StringComparison.Ordinal))
        {
            return null;
        }

        return value[prefix.Length..^suffix.Length];
    }

    private static string? FirstOf(ClaimsPrincipal principal, params string[] types) =>
        types.Select(t => principal.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    // One claim per value, or (from some providers and userinfo) one claim holding a JSON array.
    private static IEnumerable<string> ValuesOf(ClaimsPrincipal principal, string type)
    {
        foreach (var claim in principal.FindAll(type))
        {
            if (claim.Value.StartsWith('['))
            {
                string[]? values = null;
                try
                {
                    values = JsonSerializer.Deserialize<string[]>(claim.Value);
                }
                catch (JsonException)
                {
                }

                if (values is not null)
                {
                    foreach (var value in values)
                    {
                        yield return value;
                    }

                    continue;
                }
            }

            yield return claim.Value;
        }
    }
}
