using System.Globalization;
using System.Net;

namespace Stats.Dashboard.Embeds;

/// <summary>A shields.io-style badge: a grey label, a coloured value, 20 px high, sized to its text.</summary>
public static class BadgeSvg
{
    private const string Value = "#007ec6";
    private const string Closed = "#9f9f9f";

    public static string Render(EmbedData data, EmbedMetric metric, EmbedQuery query)
    {
        var labels = new EmbedLabels(query.Culture);
        return data.IsPublic
            ? Draw(labels.BadgeLabel(metric), labels.Compact(metric, EmbedData.Value(data.Totals, metric)), Value)
            : Draw(labels.BadgeLabel(metric), labels.BadgeNotPublic, Closed);
    }

    public static string Unavailable(EmbedMetric metric, EmbedQuery query)
    {
        var labels = new EmbedLabels(query.Culture);
        return Draw(labels.BadgeLabel(metric), "?", Closed);
    }

    private static string Draw(string label, string value, string colour)
    {
        var labelWidth = TextWidth(label) + 10;
        var valueWidth = TextWidth(value) + 10;
        var lw = Number(labelWidth);
        var vw = Number(valueWidth);
        var w = Number(labelWidth + valueWidth);
        var lx = Number(labelWidth / 2.0);
        var vx = Number(labelWidth + (valueWidth / 2.0));
        var title = Encode($"{label}: {value}");
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"20\" role=\"img\" aria-label=\"{title}\"><title>{title}</title>" +
            "<linearGradient id=\"s\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/><stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>" +
            $"<clipPath id=\"r\"><rect width=\"{w}\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>" +
            $"<g clip-path=\"url(#r)\"><rect width=\"{lw}\" height=\"20\" fill=\"#555\"/><rect x=\"{lw}\" width=\"{vw}\" height=\"20\" fill=\"{colour}\"/><rect width=\"{w}\" height=\"20\" fill=\"url(#s)\"/></g>" +
            "<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" font-size=\"11\">" +
            $"<text x=\"{lx}\" y=\"15\" fill=\"#010101\" fill-opacity=\".3\">{Encode(label)}</text><text x=\"{lx}\" y=\"14\">{Encode(label)}</text>" +
            $"<text x=\"{vx}\" y=\"15\" fill=\"#010101\" fill-opacity=\".3\">{Encode(value)}</text><text x=\"{vx}\" y=\"14\">{Encode(value)}</text></g></svg>";
    }

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>
    /// The width of a text in Verdana 11 px, from the widths of its kinds of characters: the server has no font to measure
    /// with, and a badge a few pixels too wide is better than one whose text overflows.
    /// </summary>
    internal static int TextWidth(string text)
    {
        double width = 0;
        foreach (var c in text)
        {
            width += c switch
            {
                'i' or 'l' or 'j' or '.' or ',' or ':' or '\'' or '!' or '|' => 3.5,
                'f' or 't' or 'r' or ' ' or '(' or ')' or '-' or '\u202F' or '\u00A0' => 4.6,
                'm' or 'w' or 'M' or 'W' => 10.5,
                >= 'A' and <= 'Z' => 8,
                _ => 7,
            };
        }

        return (int)Math.Ceiling(width);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
