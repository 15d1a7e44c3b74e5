using Microsoft.Extensions.Options;

namespace Stats.Core.Reports.Dsr;

/// <summary>The <c>Stats:Reports:Dsr</c> settings: who the Make Data Count dataset report says it comes from.</summary>
public sealed class DsrOptions
{
    public const string SectionName = "Stats:Reports:Dsr";

    /// <summary>The placeholder of <see cref="DatasetIdentifierTemplate"/> that becomes the record's id.</summary>
    public const string RecidPlaceholder = "{recid}";

    /// <summary>The publisher id types DataCite's schema allows (<c>counter_publisher_identifiers</c>).</summary>
    public static IReadOnlyList<string> PublisherIdTypes { get; } = ["isni", "orcid", "grid", "urn", "client-id"];

    /// <summary>The platform's name in every dataset (<c>platform</c>).</summary>
    public string PlatformName { get; set; } = "Stats";

    /// <summary>The publisher's name in every dataset (<c>publisher</c>).</summary>
    public string Publisher { get; set; } = "Stats";

    /// <summary>One of <see cref="PublisherIdTypes"/>; used only with <see cref="PublisherId"/>.</summary>
    public string PublisherIdType { get; set; } = "grid";

    /// <summary>The publisher's identifier (e.g. a GRID id, or a DataCite client id); empty gives no <c>publisher-id</c> entry.</summary>
    public string PublisherId { get; set; } = "";

    /// <summary>Who made the report (<c>created-by</c>).</summary>
    public string CreatedBy { get; set; } = "Stats";

    /// <summary>
    /// How a recid becomes the dataset's identifier, e.g. <c>10.5281/zenodo.{recid}</c> or <c>https://doi.org/10.5281/zenodo.{recid}</c>
    /// (both reported as a DOI, <c>10.5281/zenodo.123</c>) or any other URL (reported as a URI). Empty: the recid itself,
    /// as a proprietary identifier.
    /// </summary>
    public string DatasetIdentifierTemplate { get; set; } = "";

    /// <summary>What is wrong with these settings, one sentence per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (name, value) in new[] { (nameof(PlatformName), PlatformName), (nameof(Publisher), Publisher), (nameof(CreatedBy), CreatedBy) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{SectionName}:{name} is empty, but the dataset report needs it.");
            }
        }

        if (!PublisherIdTypes.Contains(PublisherIdType, StringComparer.Ordinal))
        {
            errors.Add($"{SectionName}:PublisherIdType is '{PublisherIdType}', but it must be one of {string.Join(", ", PublisherIdTypes)}.");
        }

        if (DatasetIdentifierTemplate.Length > 0 && !DatasetIdentifierTemplate.Contains(RecidPlaceholder, StringComparison.Ordinal))
        {
            errors.Add($"{SectionName}:DatasetIdentifierTemplate is '{DatasetIdentifierTemplate}', but it must contain {RecidPlaceholder} (or be empty).");
        }

        return errors;
    }
}

/// <summary>Fails the start on a wrong <c>Stats:Reports:Dsr</c> setting, with a message that names it.</summary>
internal sealed class DsrOptionsValidator : IValidateOptions<DsrOptions>
{
    public ValidateOptionsResult Validate(string? name, DsrOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
