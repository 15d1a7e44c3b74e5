using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Reports;

/// <summary>DataCite's Make Data Count usage-report schema (<c>../shared/data/make-data-count-dsr</c>), never copied into the repository.</summary>
public static class DsrSchema
{
    private static readonly Lazy<JsonSchema> s_schema = new(Load);

    /// <summary>Every error of the document against the schema, each as "instance location: message"; empty when it is valid.</summary>
    public static IReadOnlyList<string> Errors(string json)
    {
        using var document = JsonDocument.Parse(json);
        var results = s_schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid, without details"];
    }

    private static JsonSchema Load()
    {
        // The schema declares draft-04, which JsonSchema.Net does not implement. Its keywords (type, required, properties,
        // items, enum, $ref into definitions) mean the same in draft-07, so it is evaluated as draft-07.
        var node = JsonNode.Parse(File.ReadAllText(RepositoryPaths.SharedData("make-data-count-dsr", "sushi_usage_schema.json")))!.AsObject();
        Assert.Equal("http://json-schema.org/draft-04/schema#", node["$schema"]?.GetValue<string>());
        node.Remove("$schema");
        var element = JsonSerializer.SerializeToElement(node);
        return JsonSchema.Build(element, new BuildOptions { Dialect = Dialect.Draft07 });
    }
}
