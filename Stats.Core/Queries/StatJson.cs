using System.Text.Json;

namespace Stats.Core.Queries;

/// <summary>How stats are written: snake_case, as invenio-stats front ends read them.</summary>
public static class StatJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
