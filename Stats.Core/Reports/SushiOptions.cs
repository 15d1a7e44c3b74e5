using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Stats.Core.Reports;

/// <summary>The <c>Stats:Sushi</c> settings: how the repository presents itself in COUNTER_SUSHI R5.1 reports.</summary>
public sealed partial class SushiOptions
{
    public const string SectionName = "Stats:Sushi";

    /// <summary>The customer id of the Global report ("The World"), COUNTER's fixed value.</summary>
    public const string WorldCustomerId = "0000000000000000";

    /// <summary>Where the API lives: <c>{BasePath}/r51/...</c>.</summary>
    public string BasePath { get; set; } = "/sushi";

    /// <summary>The platform's name in reports (Platform, Publisher, Created_By).</summary>
    public string PlatformName { get; set; } = "Stats repository";

    /// <summary>The namespace of proprietary ids (<c>{PlatformId}:{recid}</c>): a letter, then 1 to 17 letters, digits, <c>_ . /</c>.</summary>
    public string PlatformId { get; set; } = "stats";

    /// <summary>The Institution_Name of the Global report.</summary>
    public string InstitutionName { get; set; } = "The World";

    /// <summary>The platform's COUNTER Registry record (https://registry.projectcounter.org/platform/&lt;uuid&gt;), or empty.</summary>
    public string RegistryRecord { get; set; } = "";

    /// <summary>Whether each community is also a member (a customer whose reports cover its records).</summary>
    public bool CommunityMembers { get; set; }

    /// <summary>
    /// Whether COUNTER reports (SUSHI and the dataset report) include imported daily aggregates, which were not counted by
    /// COUNTER's rules: off by default, so that a report stays COUNTER-conformant; on, their months are named in an
    /// exception of code 0 in the report header (docs/decisions/ADR-013-imported-daily-aggregates.md).
    /// </summary>
    public bool IncludeImportedUsage { get; set; }

    /// <summary>Requests per minute one API key may make (exception 1020 beyond); 0 for no limit.</summary>
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>What is wrong with these settings, one sentence per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!BasePath.StartsWith('/') || BasePath.EndsWith('/') || BasePath.Contains(' ', StringComparison.Ordinal))
        {
            errors.Add($"{SectionName}:BasePath is '{BasePath}', but it must start with '/' and not end with one (e.g. /sushi).");
        }

        if (PlatformName.Trim().Length < 2)
        {
            errors.Add($"{SectionName}:PlatformName must have at least two characters.");
        }

        if (!PlatformIdPattern().IsMatch(PlatformId))
        {
            errors.Add($"{SectionName}:PlatformId is '{PlatformId}', but it must be a letter followed by 1 to 17 letters, digits, '_', '.' or '/'.");
        }

        if (InstitutionName.Trim().Length < 2)
        {
            errors.Add($"{SectionName}:InstitutionName must have at least two characters.");
        }

        if (RegistryRecord.Length > 0 && !RegistryPattern().IsMatch(RegistryRecord))
        {
            errors.Add($"{SectionName}:RegistryRecord must be empty or https://registry.projectcounter.org/platform/<uuid>.");
        }

        if (RequestsPerMinute < 0)
        {
            errors.Add($"{SectionName}:RequestsPerMinute is {RequestsPerMinute}, but it must be 0 (no limit) or more.");
        }

        return errors;
    }

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9_./]{1,17}$")]
    private static partial Regex PlatformIdPattern();

    [GeneratedRegex("^https://registry.projectcounter.org/platform/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex RegistryPattern();
}

/// <summary>Fails the start on a wrong <c>Stats:Sushi</c> setting, with a message that names it.</summary>
internal sealed class SushiOptionsValidator : IValidateOptions<SushiOptions>
{
    public ValidateOptionsResult Validate(string? name, SushiOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
