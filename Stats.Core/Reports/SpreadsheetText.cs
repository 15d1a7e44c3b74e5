namespace Stats.Core.Reports;

/// <summary>
/// Text that a spreadsheet would read as a formula when a CSV or TSV export is opened (a title such as
/// <c>=HYPERLINK("http://evil.example", "click")</c>): one rule for the reports and the panels' exports.
/// </summary>
public static class SpreadsheetText
{
    /// <summary>
    /// <paramref name="text"/> with a leading apostrophe when it starts with <c>=</c>, <c>+</c>, <c>-</c> or <c>@</c>, so that
    /// spreadsheets show it as text. Only for text cells: numbers are written as numbers (a negative delta stays one).
    /// </summary>
    public static string Neutralise(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' ? "'" + text : text;
}
