using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Dashboard.Auth;

/// <summary>
/// The Data Protection key ring in the store (<see cref="DataProtectionKeyRow"/>): cookies, antiforgery tokens and the
/// sign-in state that one instance protects, every other instance on the same store can read, whichever of them a load
/// balancer picks. The keys are stored as Data Protection writes them (not encrypted at rest): whoever can read the
/// store can forge a session, as with its API key hashes' table; protect the store accordingly.
/// </summary>
public static class StoreKeyRing
{
    /// <summary>The application name every instance shares: keys are isolated per application name.</summary>
    public const string ApplicationName = "Stats";

    public static IServiceCollection AddStoreKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<IDbContextFactory<StatsDbContext>>(
            (options, contexts) => options.XmlRepository = new Repository(contexts));
        return services;
    }

    private sealed class Repository(IDbContextFactory<StatsDbContext> contexts) : IXmlRepository
    {
        // Data Protection reads and writes its ring synchronously, rarely (at start, then about daily), and caches it.
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var context = contexts.CreateDbContext();
            return [.. context.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).AsEnumerable().Select(XElement.Parse)];
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var context = contexts.CreateDbContext();
            context.DataProtectionKeys.Add(new DataProtectionKeyRow
            {
                FriendlyName = friendlyName,
                Xml = element.ToString(SaveOptions.DisableFormatting),
                CreatedAt = DateTime.UtcNow,
            });
            context.SaveChanges();
        }
    }
}
