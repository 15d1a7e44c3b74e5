using System.Globalization;
using Microsoft.AspNetCore.Components;
using Stats.Core.Access;
using Stats.Core.Annotations;
using Stats.Dashboard.Access;
using Stats.Dashboard.Components.Panels;

namespace Stats.Dashboard.Components.Annotations;

/// <summary>
/// Adds, lists and removes the notes drawn on the charts. Without <see cref="Community"/> (the Admin page) it covers the whole
/// repository and every community and shows the audit log; with it (a community's panel) only that community's notes, for
/// its curators and admins. Nobody else sees it.
/// </summary>
public sealed partial class AnnotationsSection
{
    private readonly Draft _draft = new();
    private StatsViewer? _viewer;
    private IReadOnlyList<ChartNote>? _notes;
    private IReadOnlyList<AnnotationChangeInfo>? _changes;
    private string? _problem;

    [Inject]
    private ViewerAccess Access { get; set; } = default!;

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    [Inject]
    private FileDownloader Downloader { get; set; } = default!;

    /// <summary>The community whose notes are edited here; null for the Admin page's whole list.</summary>
    [Parameter]
    public string? Community { get; set; }

    private bool MayEditAny => _viewer is not null && (_viewer.IsAdmin || (Community is not null && AnnotationStore.MayEdit(_viewer, AnnotationScope.Community, Community)));

    private string HeadingId => Community is null ? "admin-annotations-title" : "community-annotations-title";

    private IAnnotations Store => Services.GetRequiredService<IAnnotations>();

    protected override async Task OnParametersSetAsync()
    {
        _viewer = await Access.ViewerAsync();
        if (MayEditAny)
        {
            // Resolved only for those who may edit: nobody else reads the list here.
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        var all = await Store.ListAsync();
        _notes = Community is null ? all : [.. all.Where(n => n.Scope == AnnotationScope.Community && n.Community == Community)];
        _changes = Community is null ? await Store.ChangesAsync() : null;
    }

    private async Task AddAsync()
    {
        _problem = null;
        if (!DateOnly.TryParseExact(_draft.From, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from))
        {
            _problem = "Choose the first day of the note.";
            return;
        }

        var to = from;
        if (!string.IsNullOrWhiteSpace(_draft.To) && !DateOnly.TryParseExact(_draft.To, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out to))
        {
            _problem = "The last day is not a date.";
            return;
        }

        var community = Community ?? (string.IsNullOrWhiteSpace(_draft.Community) ? null : _draft.Community.Trim());
        try
        {
            await Store.AddAsync(_viewer!, community is null ? AnnotationScope.Repository : AnnotationScope.Community, community, from, to, _draft.Text ?? "");
        }
        catch (Exception ex) when (ex is AnnotationException or UnauthorizedAccessException)
        {
            // What was typed stays in the form, to be corrected.
            _problem = ex.Message;
            return;
        }

        _draft.Text = null;
        await LoadAsync();
    }

    private async Task RemoveAsync(ChartNote note)
    {
        _problem = null;
        try
        {
            await Store.RemoveAsync(_viewer!, note.Id);
        }
        catch (UnauthorizedAccessException ex)
        {
            _problem = ex.Message;
        }

        await LoadAsync();
    }

    /// <summary>The list as the table shows it, one note a row, with the ISO days.</summary>
    public string ToCsv() => Csv.Write(
        ["from", "to", "community", "note", "created_by", "created_at"],
        (_notes ?? []).Select(n => (IReadOnlyList<object?>)[n.From, n.To, n.Community, n.Text, n.CreatedBy, n.CreatedAt]));

    private Task ExportCsvAsync() => Downloader.DownloadCsvAsync(Csv.FileName(Community is null ? "notes" : $"notes-{Community}"), ToCsv());

    private static string ScopeOf(ChartNote note) => note.Community is { } community ? $"community {community}" : "the repository";

    private static string Days(ChartNote note) => Days(note.From, note.To);

    private static string Days(DateOnly from, DateOnly to) =>
        from == to ? from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : $"{from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} – {to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    private sealed class Draft
    {
        public string? Community { get; set; }

        public string? From { get; set; }

        public string? To { get; set; }

        public string? Text { get; set; }
    }
}
