using System.Net;
using System.Text;

namespace Stats.Dashboard.Embeds;

/// <summary>
/// The iframe embed: one self-contained HTML page (its CSS inline, its sparkline an inline SVG, no script), readable from
/// 300 px wide, light, dark or following the visitor's system.
/// </summary>
public static class EmbedHtml
{
    // Colours chosen for WCAG AA contrast on their background in both themes (axe checks the light and dark pages).
    private const string Style =
        ":root{--bg:#fff;--fg:#1f2328;--muted:#57606a;--accent:#0550ae;--fill:#0550ae22;--line:#d0d7de}" +
        ".dark{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--accent:#58a6ff;--fill:#58a6ff33;--line:#30363d}" +
        "@media (prefers-color-scheme:dark){.auto{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--accent:#58a6ff;--fill:#58a6ff33;--line:#30363d}}" +
        "html,body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
        "main{padding:10px 12px;max-width:640px}" +
        "h1{font-size:15px;margin:0 0 2px;font-weight:600}" +
        ".period,.foot{color:var(--muted);font-size:12px;margin:0}" +
        "dl{display:grid;grid-template-columns:repeat(auto-fit,minmax(120px,1fr));gap:6px 12px;margin:8px 0}" +
        "dl div{border-left:3px solid var(--line);padding-left:8px}" +
        "dt{font-size:12px;color:var(--muted)}dd{margin:0;font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}" +
        "dd small{display:block;font-size:12px;font-weight:400;color:var(--muted)}" +
        ".spark{display:block;width:100%;height:40px;margin:4px 0}.spark .area{fill:var(--fill)}.spark .line{fill:none;stroke:var(--accent);stroke-width:2}" +
        ".foot{display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 12px}a{color:var(--accent)}" +
        ".not-public{margin:8px 0;color:var(--fg)}";

    public static string Render(EmbedData data, EmbedQuery query, string pathBase)
    {
        var labels = new EmbedLabels(query.Culture);
        var html = new StringBuilder(4096);
        html.Append("<!DOCTYPE html><html lang=\"").Append(query.Culture.TwoLetterISOLanguageName).Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"color-scheme\" content=\"")
            .Append(query.Theme switch { EmbedTheme.Dark => "dark", EmbedTheme.Auto => "light dark", _ => "light" }).Append("\">")
            // No icon of its own: an empty one keeps the browser from asking for /favicon.ico, a 404 in the host page's console.
            .Append("<meta name=\"robots\" content=\"noindex\"><link rel=\"icon\" href=\"data:,\"><title>").Append(Encode(labels.Title(data.Subject))).Append("</title>")
            .Append("<style>").Append(Style).Append("</style></head>")
            .Append("<body class=\"").Append(EmbedQuery.NameOf(query.Theme)).Append("\"><main>")
            .Append("<h1>").Append(Encode(labels.Title(data.Subject))).Append("</h1>");

        if (!data.IsPublic)
        {
            // Nothing of the usage, not even zeros: a closed record looks the same whether it is used or not.
            html.Append("<p class=\"not-public\">").Append(Encode(labels.NotPublic)).Append("</p>");
            return html.Append("</main></body></html>").ToString();
        }

        html.Append("<p class=\"period\">").Append(Encode(labels.Period(query.Period, data.From, data.To))).Append("</p><dl>");
        foreach (var metric in query.Metrics)
        {
            html.Append("<div data-embed=\"").Append(EmbedQuery.NameOf(metric)).Append("\"><dt>").Append(Encode(labels.Metric(metric)))
                .Append("</dt><dd>").Append(Encode(labels.Value(metric, EmbedData.Value(data.Totals, metric))));
            if (data.AllVersions is { } all)
            {
                html.Append("<small>").Append(Encode(labels.AllVersions(labels.Value(metric, EmbedData.Value(all, metric))))).Append("</small>");
            }

            html.Append("</dd></div>");
        }

        html.Append("</dl>");
        var drawn = query.Metrics[0];
        if (data.Series.Buckets.Count > 0)
        {
            var label = labels.Sparkline(drawn, data.Interval, data.Series.Buckets[0].Date, data.To);
            html.Append(Sparkline.Svg([.. data.Series.Buckets.Select(b => EmbedData.Value(b.Values, drawn))], label));
        }

        html.Append("<p class=\"foot\"><span>").Append(Encode(labels.Counter)).Append("</span>")
            .Append("<a href=\"").Append(Encode(pathBase + data.PanelPath)).Append("\" target=\"_blank\" rel=\"noopener\">").Append(Encode(labels.More)).Append("</a></p>");
        return html.Append("</main></body></html>").ToString();
    }

    /// <summary>The page an embed shows when the store cannot answer: the same frame, a sentence, no numbers.</summary>
    public static string Unavailable(EmbedSubject subject, EmbedQuery query)
    {
        var labels = new EmbedLabels(query.Culture);
        return $"<!DOCTYPE html><html lang=\"{query.Culture.TwoLetterISOLanguageName}\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>{Encode(labels.Title(subject))}</title>" +
            $"<style>{Style}</style></head><body class=\"{EmbedQuery.NameOf(query.Theme)}\"><main><h1>{Encode(labels.Title(subject))}</h1>" +
            $"<p class=\"not-public\">{Encode(labels.Unavailable)}</p></main></body></html>";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
