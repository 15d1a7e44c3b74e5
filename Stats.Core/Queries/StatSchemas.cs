using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Stats.Core.Queries;

/// <summary>
/// The JSON schema of a stat's answer (<see cref="StatDefinition.AnswerType"/> as <see cref="StatJson"/> writes it), for the
/// OpenAPI document: what a front end may rely on. The parts written by hand (histogram buckets, invenio's dates) are described
/// here as they are written.
/// </summary>
public static class StatSchemas
{
    private static readonly JsonSchemaExporterOptions s_exporter = new() { TransformSchemaNode = Transform };

    public static JsonNode Of(Type answerType) => StatJson.Options.GetJsonSchemaAsNode(answerType, s_exporter);

    // Written by hand, so described by hand: on the object that holds them, where the exporter surely passes.
    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (schema is not JsonObject json || json["properties"] is not JsonObject properties)
        {
            return schema;
        }

        foreach (var property in context.TypeInfo.Properties.Where(p => p.CustomConverter is IsoDayConverter))
        {
            properties[property.Name] = new JsonObject
            {
                ["type"] = new JsonArray("string", "null"),
                ["description"] = "A day as an ISO date-time at midnight UTC (2024-06-10T00:00:00), as invenio-stats writes it; null when the query left it open.",
            };
        }

        var type = context.TypeInfo.Type;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Histogram<>) && properties["buckets"] is JsonObject buckets)
        {
            buckets["items"] = BucketOf(type.GetGenericArguments()[0]);
        }

        return schema;
    }

    /// <summary>A histogram bucket: its key and date, then the properties of its values, flat.</summary>
    private static JsonObject BucketOf(Type values)
    {
        var properties = new JsonObject
        {
            ["key"] = new JsonObject { ["type"] = "integer", ["description"] = "The first day of the period, in milliseconds since 1970-01-01T00:00:00Z." },
            ["date"] = new JsonObject { ["type"] = "string", ["description"] = "The first day of the period as an ISO date-time (2024-06-10T00:00:00)." },
        };
        if (Of(values)["properties"] is JsonObject valueProperties)
        {
            foreach (var (name, value) in valueProperties)
            {
                properties[name] = value?.DeepClone();
            }
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties };
    }
}
