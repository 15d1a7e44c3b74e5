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

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (context.PropertyInfo?.CustomConverter is IsoDayConverter)
        {
            return new JsonObject
            {
                ["type"] = new JsonArray("string", "null"),
                ["description"] = "A day as an ISO date-time at midnight UTC (2024-06-10T00:00:00), as invenio-stats writes it; null when the query left it open.",
            };
        }

        var type = context.TypeInfo.Type;
        if (context.PropertyInfo is null && type.IsGenericType && type.GetGenericTypeDefinition() == typeof(HistogramBucket<>))
        {
            var bucket = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["key"] = new JsonObject { ["type"] = "integer", ["description"] = "The first day of the period, in milliseconds since 1970-01-01T00:00:00Z." },
                    ["date"] = new JsonObject { ["type"] = "string", ["description"] = "The first day of the period as an ISO date-time (2024-06-10T00:00:00)." },
                },
            };
            if (Of(type.GetGenericArguments()[0])["properties"] is JsonObject values)
            {
                foreach (var (name, value) in values)
                {
                    bucket["properties"]![name] = value?.DeepClone();
                }
            }

            return bucket;
        }

        return schema;
    }
}
