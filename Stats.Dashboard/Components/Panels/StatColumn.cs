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

    /// <summary>In the CSV only, not on screen: the id beside a title, for spreadsheets to join on.</summary>
    public bool CsvOnly { get; init; }

    /// <summary>What the CSV has when it differs from <see cref="Value"/> (a title, empty when there is none); null for the value.</summary>
    public Func<T, object?>? CsvValue { get; init; }

    /// <summary>The CSV's header when it differs from the screen's (the screen's "Record" is the CSV's "Title").</summary>
    public string? CsvHeader { get; init; }

    /// <summary>The cell's value in the CSV.</summary>
    public object? Export(T row) => CsvValue is { } value ? value(row) : Value(row);

    /// <summary>The cell's text on screen.</summary>
    public string Display(T row) => Show?.Invoke(row) ?? Value(row) switch
    {
        long number when Unit is { } unit => NumberFormat.Format(number, unit),
        double number when Unit is NumberUnit.Percent => NumberFormat.Percent(number),
        null when Unit is not null => "\u2013",
        var value => Csv.Field(value),
    };

    /// <summary>The CSV header: the title with the unit a plain number needs to be read ("Data volume (bytes)").</summary>
    public string CsvTitle => CsvHeader ?? Unit switch
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

    /// <summary>
    /// A record by its title, with its recid under it and a link to its panel (the recid alone without a title); the CSV has a
    /// "Title" and a "Recid" column. Callers blank the titles of records the viewer may not open (<c>ViewerAccess.RecordsNotOpenAsync</c>).
    /// </summary>
    public static IEnumerable<StatColumn<T>> Record<T>(Func<T, string?> recid, Func<T, string?> title) =>
        Named("Record", "Title", "Recid", recid, title, id => $"/records/{Uri.EscapeDataString(id)}");

    /// <summary>A community by its name, with its id under it and a link to its panel; the CSV has a name and an id column.</summary>
    public static IEnumerable<StatColumn<T>> Community<T>(Func<T, string> id, Func<T, string?> name) =>
        Named("Community", "Community name", "Community id", id, name, c => $"/communities/{Uri.EscapeDataString(c)}");

    /// <summary>A country as "Switzerland (CH)"; the CSV has the name and the ISO code in two columns.</summary>
    public static IEnumerable<StatColumn<T>> Country<T>(Func<T, string> code)
    {
        yield return new StatColumn<T>("Country", row => Pages.CountryNames.Of(code(row))) { Show = row => Pages.CountryNames.WithCode(code(row)) };
        yield return new StatColumn<T>("Country code", row => code(row)) { CsvOnly = true };
    }

    private static IEnumerable<StatColumn<T>> Named<T>(
        string title, string nameHeader, string idHeader, Func<T, string?> id, Func<T, string?> name, Func<string, string> href)
    {
        yield return new StatColumn<T>(title, row => name(row) ?? id(row))
        {
            Href = row => id(row) is { } key ? href(key) : null,
            Secondary = row => name(row) is null ? null : id(row),
            CsvHeader = nameHeader,
            CsvValue = row => name(row),
        };
        yield return new StatColumn<T>(idHeader, row => id(row)) { CsvOnly = true };
    }
}
