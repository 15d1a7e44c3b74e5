using System.Text.Json;

namespace Stats.Dashboard.Embeds;

/// <summary>
/// The embed's numbers as JSON, for sites that draw them themselves (embed.js does): public numbers only, with the labels
/// in the language asked for. A closed subject answers <c>"public": false</c> and a message, never numbers.
/// </summary>
public static class EmbedJson
{
    public static byte[] Render(EmbedData data, EmbedQuery query, string pathBase)
    {
        var labels = new EmbedLabels(query.Culture);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", data.Subject.ToString().ToLowerInvariant());
            json.WriteString("id", data.Id);
            json.WriteString("lang", query.Culture.Name);
            json.WriteString("title", labels.Title(data.Subject));
            json.WriteBoolean("public", data.IsPublic);
            if (!data.IsPublic)
            {
                json.WriteString("message", labels.NotPublic);
                json.WriteEndObject();
                json.Flush();
                return buffer.ToArray();
            }

            json.WriteStartObject("period");
            json.WriteString("name", EmbedQuery.NameOf(query.Period));
            json.WriteString("label", labels.Period(query.Period, data.From, data.To));
            if (data.From is { } from)
            {
                json.WriteString("from", from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                json.WriteNull("from");
            }

            json.WriteString("to", data.To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("interval", data.Series.Interval);
            json.WriteEndObject();

            json.WriteStartArray("metrics");
            foreach (var metric in query.Metrics)
            {
                json.WriteStartObject();
                json.WriteString("name", EmbedQuery.NameOf(metric));
                json.WriteString("label", labels.Metric(metric));
                json.WriteNumber("value", EmbedData.Value(data.Totals, metric));
                json.WriteString("text", labels.Value(metric, EmbedData.Value(data.Totals, metric)));
                if (data.AllVersions is { } all)
                {
                    json.WriteNumber("all_versions", EmbedData.Value(all, metric));
                    json.WriteString("all_versions_text", labels.AllVersions(labels.Value(metric, EmbedData.Value(all, metric))));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("series");
            foreach (var bucket in data.Series.Buckets)
            {
                json.WriteStartObject();
                json.WriteString("date", bucket.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                foreach (var metric in query.Metrics)
                {
                    json.WriteNumber(EmbedQuery.NameOf(metric), EmbedData.Value(bucket.Values, metric));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("note", labels.Counter);
            json.WriteString("panel", pathBase + data.PanelPath);
            json.WriteString("panel_label", labels.More);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
