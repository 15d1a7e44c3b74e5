using Microsoft.AspNetCore.Components;
using Stats.Core.Queries;

namespace Stats.Dashboard.Components.Panels;

/// <summary>One row of a sources table: a host or an organisation, or every other one.</summary>
public sealed record SourceRow(string Source, long Views, long Downloads);

/// <summary>Loads and shows the top referrer hosts or organisations of a target (<see cref="ISourceStats"/>).</summary>
public sealed partial class TopSourcesTable : IDisposable
{
    /// <summary>How many hosts or organisations the table lists before "other".</summary>
    public const int Size = 20;

    /// <summary>The name of the row that sums the sources beyond the list.</summary>
    public const string OtherName = "Other";

    private static readonly IReadOnlyList<StatColumn<SourceRow>> s_columns =
    [
        StatColumns.Text<SourceRow>("Source", r => r.Source),
        StatColumns.Count<SourceRow>("Views", r => r.Views, UsageHeadlines.ViewsExplanation),
        StatColumns.Count<SourceRow>("Downloads", r => r.Downloads, UsageHeadlines.DownloadsExplanation),
    ];

    private readonly CancellationTokenSource _disposed = new();
    private (StatTarget, DateOnly?, DateOnly, object?)? _loaded;
    private IReadOnlyList<SourceRow>? _rows;
    private string? _error;

    [Inject]
    private ISourceStats Sources { get; set; } = default!;

    [Parameter]
    public bool Organisations { get; set; }

    [Parameter, EditorRequired]
    public StatTarget Target { get; set; } = default!;

    [Parameter]
    public DateOnly? From { get; set; }

    [Parameter, EditorRequired]
    public DateOnly To { get; set; }

    [Parameter]
    public object? Version { get; set; }

    [Parameter, EditorRequired]
    public string Key { get; set; } = "";

    private string Title => Organisations ? "Top organisations" : "Top referring sites";

    private string Explanation => Organisations
        ? "Counted views and downloads (robots and double-clicks left out) by the visitor's network (its autonomous system, " +
          "from the IP address at ingestion; no address is kept). Other: every network beyond these and beyond each day's top 20."
        : "Counted views and downloads (robots and double-clicks left out) by the site that linked here (its host only). " +
          "Visits without a referrer are not listed. Other: every site beyond these and beyond each day's top 20.";

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded == (Target, From, To, Version))
        {
            return;
        }

        _loaded = (Target, From, To, Version);
        await LoadAsync();
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    private async Task ReloadAsync()
    {
        _error = null;
        _rows = null;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var period = new Period(From, To);
        try
        {
            var ranking = Organisations
                ? await Sources.OrganisationsAsync(Target, period, Size, _disposed.Token)
                : await Sources.ReferrersAsync(Target, period, Size, _disposed.Token);
            _rows = ToRows(ranking);
            _error = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _error = ex.Message;
        }
    }

    /// <summary>The sources as listed, then "Other" when anything came from beyond them, so that the CSV adds up.</summary>
    internal static IReadOnlyList<SourceRow> ToRows(SourceRanking ranking)
    {
        var rows = ranking.Buckets.Select(b => new SourceRow(b.Key, b.Views, b.Downloads)).ToList();
        if (ranking.Other.Views + ranking.Other.Downloads > 0)
        {
            rows.Add(new SourceRow(OtherName, ranking.Other.Views, ranking.Other.Downloads));
        }

        return rows;
    }
}
