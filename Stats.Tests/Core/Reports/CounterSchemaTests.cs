using System.Text.Json.Nodes;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Reports;

/// <summary>The validator the report tests rely on: it must accept COUNTER's own sample and refuse a broken report.</summary>
public sealed class CounterSchemaTests
{
    [Fact]
    public void TheOfficialItemReportSampleValidates()
    {
        var sample = JsonNode.Parse(File.ReadAllText(RepositoryPaths.SharedData("counter-sushi", "IR_sample_r51.json")));

        Assert.Empty(CounterSchema.Errors("IR", sample));
    }

    [Fact]
    public void AReportWithAMisspelledMetricOrANegativeCountIsRefused()
    {
        var sample = JsonNode.Parse(File.ReadAllText(RepositoryPaths.SharedData("counter-sushi", "IR_sample_r51.json")))!;
        var performance = sample["Report_Items"]![0]!["Items"]![0]!["Attribute_Performance"]![0]!["Performance"]!.AsObject();
        performance["Total_Item_Investigations"]!["2022-01"] = -1;
        performance["Total_Items_Requested"] = new JsonObject { ["2022-01"] = 1 };

        Assert.NotEmpty(CounterSchema.Errors("IR", sample));
    }

    [Fact]
    public void ExceptionsAreCheckedAgainstTheirOwnCodeAndMessage()
    {
        Assert.Empty(CounterSchema.Errors("Exception_3020", new JsonObject { ["Code"] = 3020, ["Message"] = "Invalid Date Arguments" }));
        Assert.NotEmpty(CounterSchema.Errors("Exception_3020", new JsonObject { ["Code"] = 3020, ["Message"] = "Bad dates" }));
    }
}
