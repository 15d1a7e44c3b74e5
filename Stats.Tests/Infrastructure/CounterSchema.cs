using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Stats.Tests.Infrastructure;

/// <summary>
/// Validates JSON against the COUNTER_SUSHI R5.1 schemas: the shared OpenAPI document is registered whole as a schema
/// resource, and each check refers to one of its <c>components/schemas</c>, so its internal <c>$ref</c>s resolve.
/// </summary>
public static class CounterSchema
{
    private static readonly Uri s_document = new("https://counter.test/COUNTER_SUSHI_API.json");
    private static readonly Lazy<BuildOptions> s_options = new(Load);
    private static readonly ConcurrentDictionary<string, JsonSchema> s_schemas = new(StringComparer.Ordinal);

    /// <summary>What is wrong with <paramref name="instance"/> as a <paramref name="component"/> (e.g. IR, PR, Exception_3020); empty when it is valid.</summary>
    public static IReadOnlyList<string> Errors(string component, JsonNode? instance)
    {
        var schema = s_schemas.GetOrAdd(component, name => JsonSchema.FromText(
            $$"""{"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "{{s_document}}#/components/schemas/{{name}}"}""",
            s_options.Value, new Uri($"https://counter.test/check/{name}")));
        using var document = JsonDocument.Parse(instance?.ToJsonString() ?? "null");
        var results = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = (results.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid (no details)"];
    }

    private static BuildOptions Load()
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 };
        JsonSchema.FromText(File.ReadAllText(RepositoryPaths.SharedData("counter-sushi", "COUNTER_SUSHI_API.json")), options, s_document);
        return options;
    }
}
