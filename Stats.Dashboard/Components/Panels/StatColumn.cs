namespace Stats.Dashboard.Components.Panels;

/// <summary>
/// One column of a <see cref="StatTable{T}"/>: its header, its value (what sorting and the CSV export use), and how the
/// screen writes it. Numbers are <see langword="long"/> and written with their <see cref="Unit"/>; the CSV has the integer.
/// </summary>
public sealed record StatColumn<T>(string Title, Func<T, object?> Value)
{
    /// <summary>Counts or bytes: right-aligned, formatted on screen.</summary>
    public NumberUnit? Unit { get; init; }

    /// <summary>A link for the cell (e.g. to the record's panel).</summary>
    public Func<T, string?>? Href { get; init; }

    /// <summary>Smaller text under the cell's (a title's id); on screen only, the CSV has <see cref="Value"/>.</summary>
    public Func<T, string?>? Secondary { get; init; }

    /// <summary>What the header's tooltip says the column counts.</summary>
    public string? Explanation { get; init; }

    /// <summary>
    /// The metric a panel can rank the whole period by (its URL value, e.g. <c>downloads</c>): the header then asks the panel to
    /// load the ranking again rather than sorting only the rows loaded (see <see cref="StatTable{T}.RankByChanged"/>).
    /// </summary>
    public string? RankBy { get; init; }

    /// <summary>The cell's text on screen when it says more than the value (e.g. "new" for a change with nothing before); null for the value's.</summary>
    public Func<T, string?>? Show { get; init; }

    /// <summary>The cell's text on screen.</summary>
    public string Display(T row) => Show?.Invoke(row) ?? Value(row) switch
    {
        long number when Unit is { } unit => NumberFormat.Format(number, unit),
        double number when Unit is NumberUnit.Percent => NumberFormat.Percent(number),
        null when Unit is not null => "\u2013",
        var value => Csv.Field(value),
    };

    /// <summary>The CSV header: the title with the unit a plain number needs to be read ("Data volume (bytes)").</summary>
    public string CsvTitle => Unit switch
    {
        NumberUnit.Bytes or NumberUnit.BytesChange => $"{Title} (bytes)",
        NumberUnit.Seconds => $"{Title} (seconds)",
        _ => Title,
    };
}

/// <summary>Shorthands for the usual columns.</summary>
public static class StatColumns
{
    public static StatColumn<T> Text<T>(string title, Func<T, string?> value, Func<T, string?>? href = null) =>
        new(title, row => value(row)) { Href = href };

    public static StatColumn<T> Count<T>(string title, Func<T, long> value, string? explanation = null) =>
        new(title, row => value(row)) { Unit = NumberUnit.Count, Explanation = explanation };

    public static StatColumn<T> Bytes<T>(string title, Func<T, long> value, string? explanation = null) =>
        new(title, row => value(row)) { Unit = NumberUnit.Bytes, Explanation = explanation };
}
