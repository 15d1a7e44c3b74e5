using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stats.Dashboard.Access;

namespace Stats.Tests.Browser;

/// <summary>
/// The demo dashboard with every request signed in as an admin, for the panels that are admin-only by default (circulation,
/// the SIP store). The one place that knows how: swap <see cref="TestAdminAuthentication"/> for the real sign-in once it lands.
/// </summary>
public sealed class AdminDashboardServer : DashboardServer
{
    protected override void ConfigureTestServices(IServiceCollection services) => TestAdminAuthentication.Register(services);
}

/// <summary>A test-only authentication scheme, the default, that signs every request in with an admin's canonical claims.</summary>
public sealed class TestAdminAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TestAdmin";

    public static void Register(IServiceCollection services)
    {
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = SchemeName;
                options.DefaultAuthenticateScheme = SchemeName;
                options.DefaultChallengeScheme = SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, TestAdminAuthentication>(SchemeName, _ => { });
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ViewerClaims.UserIdClaim, "test-admin"),
                new Claim(ViewerClaims.NameClaim, "Test Admin"),
                new Claim(ViewerClaims.RoleClaim, ViewerClaims.AdminRole),
            ],
            SchemeName,
            ViewerClaims.NameClaim,
            ViewerClaims.RoleClaim);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
