namespace Stats.Dashboard.Embeds;

/// <summary>The copy-paste HTML of the three ways to embed a record's usage (README, "Embedding"; the record panel's "Embed this").</summary>
public static class EmbedSnippets
{
    /// <param name="baseUri">The dashboard's public address, ending in <c>/</c>.</param>
    public static string Iframe(string baseUri, string recid) =>
        $"<iframe src=\"{baseUri}embed/records/{Escape(recid)}\" title=\"Usage statistics\" width=\"100%\" height=\"200\" style=\"border:0\" loading=\"lazy\"></iframe>";

    public static string Badge(string baseUri, string recid) =>
        $"<a href=\"{baseUri}records/{Escape(recid)}\"><img src=\"{baseUri}badge/records/{Escape(recid)}/downloads.svg\" alt=\"Downloads\"></a>";

    public static string Script(string baseUri, string recid) =>
        $"<div data-stats-record=\"{System.Net.WebUtility.HtmlEncode(recid)}\"></div>\n<script src=\"{baseUri}embed.js\" async></script>";

    private static string Escape(string recid) => Uri.EscapeDataString(recid);
}
