using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Import;

/// <summary>A run of the <c>import</c> verb as the Admin page and <c>GET /api/admin/imports</c> list it.</summary>
public sealed record ImportRunSummary(
    long Id, DateTime StartedAt, DateTime? FinishedAt, string Format, IReadOnlyList<string> Files,
    long Lines, long Imported, long Duplicates, long Skipped, long BadLines, long Held, string? Failure)
{
    /// <summary>Not finished: still running, or interrupted (the next import of the same files resumes it).</summary>
    public bool Unfinished => FinishedAt is null;
}

/// <summary>One file of a run being imported: where a resumed run starts, and where its progress is saved.</summary>
public sealed record ImportRunFileState(long Id, string Path, ImportCheckpoint? Done, bool Finished);

/// <summary>A run started or resumed by <see cref="ImportRuns.StartAsync"/>.</summary>
public sealed record ImportRunHandle(long Id, bool Resumed, IReadOnlyList<ImportRunFileState> Files);

/// <summary>
/// The table of import runs (<see cref="ImportRun"/>): each run, its files and how far into each the committed events
/// go. An import of the same files (same paths, sizes and first bytes) as an unfinished run resumes it after the lines
/// already committed, and the run's numbers come out as if it had never stopped.
/// </summary>
public sealed class ImportRuns(IDbContextFactory<StatsDbContext> contextFactory, TimeProvider clock)
{
    private const int FingerprintBytes = 64 * 1024;

    /// <summary>Resumes the latest unfinished run of exactly these files, unchanged; otherwise starts a new run.</summary>
    public async Task<ImportRunHandle> StartAsync(string format, IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        var files = new List<(string Path, long Length, string Fingerprint)>(paths.Count);
        foreach (var path in paths)
        {
            var full = System.IO.Path.GetFullPath(path);
            files.Add((full, LengthOf(full), await FingerprintAsync(full, cancellationToken)));
        }

        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var unfinished = await context.ImportRuns.Include(r => r.Files)
            .Where(r => r.FinishedAt == null).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        if (unfinished is not null && SameFiles(unfinished.Files, files))
        {
            return new ImportRunHandle(unfinished.Id, true, [.. unfinished.Files.OrderBy(f => f.Id).Select(f => new ImportRunFileState(
                f.Id, f.Path, new ImportCheckpoint(f.LinesDone, f.Imported, f.Duplicates, f.Skipped, f.BadLines, f.Held), f.Done))]);
        }

        var run = new ImportRun
        {
            Format = format,
            StartedAt = clock.GetUtcNow().UtcDateTime,
            Files = [.. files.Select(f => new ImportRunFile { Path = f.Path, Length = f.Length, Fingerprint = f.Fingerprint })],
        };
        context.ImportRuns.Add(run);
        await context.SaveChangesAsync(cancellationToken);
        return new ImportRunHandle(run.Id, false, [.. run.Files.Select(f => new ImportRunFileState(f.Id, f.Path, null, false))]);
    }

    /// <summary>Records how far into a file the committed events go, with its counts up to there.</summary>
    public async Task SaveAsync(long fileId, ImportCheckpoint checkpoint, bool done, CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        await context.ImportRunFiles.Where(f => f.Id == fileId).ExecuteUpdateAsync(u => u
            .SetProperty(f => f.LinesDone, checkpoint.LinesDone)
            .SetProperty(f => f.Imported, checkpoint.Imported)
            .SetProperty(f => f.Duplicates, checkpoint.Duplicates)
            .SetProperty(f => f.Skipped, checkpoint.Skipped)
            .SetProperty(f => f.BadLines, checkpoint.BadLines)
            .SetProperty(f => f.Held, checkpoint.Held)
            .SetProperty(f => f.Done, done), cancellationToken);
    }

    /// <summary>Closes a run with the totals of its files' reports (the format detected, when one was).</summary>
    public async Task FinishAsync(long runId, IReadOnlyList<FileImportReport> reports, string? failure, CancellationToken cancellationToken = default)
    {
        var formats = reports.Select(r => r.Format).Where(f => f != ImportFormat.Auto).Distinct().Select(ImportFormats.NameOf).ToList();
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var run = await context.ImportRuns.FirstAsync(r => r.Id == runId, cancellationToken);
        run.FinishedAt = clock.GetUtcNow().UtcDateTime;
        run.Failure = failure is null ? null : failure.Length > 512 ? failure[..512] : failure;
        if (formats.Count > 0)
        {
            run.Format = string.Join(",", formats) is { Length: <= 32 } joined ? joined : "mixed";
        }

        run.Lines = reports.Sum(r => r.Lines);
        run.Imported = reports.Sum(r => r.Imported);
        run.Duplicates = reports.Sum(r => r.Duplicates);
        run.Skipped = reports.Sum(r => r.SkippedTotal);
        run.BadLines = reports.Sum(r => r.BadLines);
        run.Held = reports.Sum(r => r.Held);
        await context.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The latest runs, newest first.</summary>
    public async Task<IReadOnlyList<ImportRunSummary>> ListAsync(int count = 50, CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var runs = await Latest(context, count).ToListAsync(cancellationToken);
        return [.. runs.Select(r =>
        {
            // An unfinished run has its totals in its files so far.
            var files = r.Files.OrderBy(f => f.Id).ToList();
            return r.FinishedAt is not null
                ? new ImportRunSummary(r.Id, r.StartedAt, r.FinishedAt, r.Format, [.. files.Select(f => f.Path)],
                    r.Lines, r.Imported, r.Duplicates, r.Skipped, r.BadLines, r.Held, r.Failure)
                : new ImportRunSummary(r.Id, r.StartedAt, null, r.Format, [.. files.Select(f => f.Path)],
                    files.Sum(f => f.LinesDone), files.Sum(f => f.Imported), files.Sum(f => f.Duplicates), files.Sum(f => f.Skipped),
                    files.Sum(f => f.BadLines), files.Sum(f => f.Held), r.Failure);
        })];
    }

    /// <summary>Exposed for the translation tests of every provider.</summary>
    internal static IQueryable<ImportRun> Latest(StatsDbContext context, int count) =>
        context.ImportRuns.AsNoTracking().Include(r => r.Files).OrderByDescending(r => r.Id).Take(count);

    private static bool SameFiles(List<ImportRunFile> stored, List<(string Path, long Length, string Fingerprint)> files) =>
        stored.Count == files.Count
        && stored.OrderBy(f => f.Id).Zip(files).All(p => p.First.Path == p.Second.Path && p.First.Length == p.Second.Length && p.First.Fingerprint == p.Second.Fingerprint);

    private static long LengthOf(string path)
    {
        try
        {
            return File.Exists(path) ? new FileInfo(path).Length : -1;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>A hash of the file's first bytes: with its length, tells a file changed since the interruption.</summary>
    private static async Task<string> FingerprintAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(path);
            var buffer = new byte[FingerprintBytes];
            var read = await file.ReadAtLeastAsync(buffer, FingerprintBytes, throwOnEndOfStream: false, cancellationToken);
            return Convert.ToHexStringLower(SHA256.HashData(buffer.AsSpan(0, read))[..16]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The import reports the file as unreadable; an unreadable file is never resumed.
            return "unreadable";
        }
    }
}
