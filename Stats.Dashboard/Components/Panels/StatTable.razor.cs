using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Stats.Dashboard.Components.Panels;

/// <summary>
/// The panels' table: columns defined once (<see cref="StatColumn{T}"/>) for the screen, the sorting and the CSV export, so
/// the file has the numbers the screen shows. Sorting is by header buttons (Tab and Enter), paging by MudBlazor's pager.
/// </summary>
public sealed partial class StatTable<T>
{
    private int? _sortColumn;
    private bool _descending;

    [Inject]
    private FileDownloader Downloader { get; set; } = default!;

    /// <summary>A stable key for the <c>data-table</c> attribute and the CSV file's name.</summary>
    [Parameter, EditorRequired]
    public string Key { get; set; } = "";

    [Parameter, EditorRequired]
    public string Title { get; set; } = "";

    [Parameter]
    public string? Explanation { get; set; }

    [Parameter, EditorRequired]
    public IReadOnlyList<StatColumn<T>> Columns { get; set; } = [];

    [Parameter, EditorRequired]
    public IReadOnlyList<T> Items { get; set; } = [];

    [Parameter]
    public int RowsPerPage { get; set; } = 10;

    /// <summary>A query string for the cells' links (the panel's period), so that a linked panel opens on the same view.</summary>
    [Parameter]
    public string? LinkQuery { get; set; }

    /// <summary>The CSV file's name; the key's when not set.</summary>
    [Parameter]
    public string? FileName { get; set; }

    [Parameter]
    public string EmptyTitle { get; set; } = "Nothing to show for this period.";

    /// <summary>What to do about an empty table.</summary>
    [Parameter]
    public RenderFragment? EmptyContent { get; set; }

    /// <summary>The metric the caller ranked <see cref="Items"/> by (a column's <see cref="StatColumn{T}.RankBy"/>), largest first.</summary>
    [Parameter]
    public string? RankedBy { get; set; }

    /// <summary>
    /// Asked for when a header of another rankable column is clicked: the caller loads the ranking by that metric over the whole
    /// period (the rows loaded are only the top of one ranking). Without it, every header sorts the rows loaded.
    /// </summary>
    [Parameter]
    public EventCallback<string> RankByChanged { get; set; }

    /// <summary>The rows in the order shown: the caller's order until a header is clicked.</summary>
    public IReadOnlyList<T> Sorted => _sortColumn is not { } index || index >= Columns.Count
        ? Items
        : _descending
            ? [.. Items.OrderByDescending(Columns[index].Value, ValueComparer.Instance)]
            : [.. Items.OrderBy(Columns[index].Value, ValueComparer.Instance)];

    /// <summary>The CSV of all rows (every page), in the order shown.</summary>
    public string ToCsv() => Csv.Write([.. Columns.Select(c => c.CsvTitle)], Sorted.Select(row => (IReadOnlyList<object?>)[.. Columns.Select(c => c.Export(row))]));

    private string LinkOf(string href) =>
        string.IsNullOrEmpty(LinkQuery) || href.Contains('?', StringComparison.Ordinal) ? href : $"{href}?{LinkQuery}";

    private Task ExportCsvAsync() => Downloader.DownloadCsvAsync(FileName ?? Csv.FileName(Key), ToCsv());

    private async Task SortBy(int index)
    {
        if (Columns[index].RankBy is { } metric && RankByChanged.HasDelegate && metric != RankedBy)
        {
            _sortColumn = null;
            await RankByChanged.InvokeAsync(metric);
            return;
        }

        // Numbers sort largest first on the first click, text A to Z; a ranked column is shown largest first already.
        _descending = _sortColumn == index ? !_descending : Columns[index].Unit is not null && !IsRankedBy(index);
        _sortColumn = index;
    }

    private bool IsRankedBy(int index) => RankedBy is not null && Columns[index].RankBy == RankedBy;

    /// <summary>The column the rows are in order of: the one clicked, else the ranking's.</summary>
    private (int? Column, bool Descending) Order => _sortColumn is { } index
        ? (index, _descending)
        : (Enumerable.Range(0, Columns.Count).Cast<int?>().FirstOrDefault(i => IsRankedBy(i!.Value)), true);

    private string AriaSort(int index) => Order.Column != index ? "none" : Order.Descending ? "descending" : "ascending";

    private string SortIcon(int index) => Order.Column != index
        ? Icons.Material.Filled.UnfoldMore
        : Order.Descending ? Icons.Material.Filled.ArrowDownward : Icons.Material.Filled.ArrowUpward;

    /// <summary>Numbers as numbers, text ordinally, nulls first.</summary>
    private sealed class ValueComparer : IComparer<object?>
    {
        public static ValueComparer Instance { get; } = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            (IComparable a, _) when a.GetType() == y.GetType() => a.CompareTo(y),
            _ => string.CompareOrdinal(Csv.Field(x), Csv.Field(y)),
        };
    }
}
