using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Stats.Core.Queries;

/// <summary>How stats are written: snake_case, as invenio-stats front ends read them.</summary>
public static class StatJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Set, not left to the first serialization, so that the answers' schemas can be read before any answer is written.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };
}
