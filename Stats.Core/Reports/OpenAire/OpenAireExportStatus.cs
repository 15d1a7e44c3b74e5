using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Reports.OpenAire;

/// <summary>The exporter's state as the Admin page shows it: the last day sent, how much, and the last error.</summary>
public sealed record OpenAireExportState(
    DateOnly? LastDay, int RequestsSentOfNextDay, long SentRequests, int PurgedDaysSkipped, DateTime? UpdatedAt, string? LastError, DateTime? LastErrorAt);

/// <summary>Reads the OpenAIRE exporter's bookmark (null before the first run).</summary>
public sealed class OpenAireExportStatus(IDbContextFactory<StatsDbContext> contexts)
{
    public async Task<OpenAireExportState?> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        return await Bookmark(context).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The exporter's bookmark; exposed for the translation tests of every provider.</summary>
    internal static IQueryable<OpenAireExportState> Bookmark(StatsDbContext context) =>
        context.ExportBookmarks.AsNoTracking().Where(b => b.Name == OpenAireExporter.BookmarkName)
            .Select(b => new OpenAireExportState(b.LastDay, b.RequestsSentOfNextDay, b.SentRequests, b.PurgedDaysSkipped, b.UpdatedAt, b.LastError, b.LastErrorAt));
}
