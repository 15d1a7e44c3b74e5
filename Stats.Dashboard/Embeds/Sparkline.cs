using System.Globalization;
using System.Text;

namespace Stats.Dashboard.Embeds;

/// <summary>A small SVG line of a series, drawn on the server: no script, no library, a few hundred bytes.</summary>
public static class Sparkline
{
    public const int Width = 300;
    public const int Height = 40;

    /// <summary>An <c>&lt;svg&gt;</c> element that scales to its container's width; <paramref name="label"/> is what a screen reader says.</summary>
    public static string Svg(IReadOnlyList<long> values, string label)
    {
        var svg = new StringBuilder(256 + values.Count * 12);
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"spark\" viewBox=\"0 0 {Width} {Height}\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{Html(label)}\">");
        if (values.Count > 0)
        {
            var max = Math.Max(1, values.Max());
            // One point alone would draw nothing: it becomes a flat line across.
            var points = values.Count == 1 ? [values[0], values[0]] : values;
            var step = (double)Width / (points.Count - 1);
            var line = new StringBuilder();
            for (var i = 0; i < points.Count; i++)
            {
                var y = Height - 2 - ((Height - 4) * (double)points[i] / max);
                line.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : " ")}{i * step:0.#},{y:0.#}");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<polygon class=\"area\" points=\"0,{Height} {line} {Width},{Height}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"line\" points=\"{line}\" vector-effect=\"non-scaling-stroke\"/>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);
}
