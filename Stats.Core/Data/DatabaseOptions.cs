using System.ComponentModel.DataAnnotations;

namespace Stats.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    PostgreSql,
}

/// <summary>The <c>Stats:Database</c> settings.</summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string SectionName = "Stats:Database";

    /// <summary><c>Sqlite</c> (default), <c>SqlServer</c> or <c>PostgreSql</c>. Kept as text so a wrong name gets a clear message.</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    /// <summary>Required for SqlServer and PostgreSql; for Sqlite it defaults to a file under <see cref="DataFolder"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Where the embedded SQLite file lives, relative to the content root unless absolute.</summary>
    public string DataFolder { get; set; } = "App_Data";

    /// <summary>Apply pending migrations when the dashboard starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>The provider named by <see cref="Provider"/>; throws for a name that validation rejects.</summary>
    /// <remarks>A method, not a property: options validation reads every public property, and one that throws crashes it.</remarks>
    public DatabaseProvider ParseProvider() =>
        TryParseProvider(out var provider) ? provider : throw new InvalidOperationException(ProviderError);

    private string ProviderError =>
        $"{SectionName}:Provider is '{Provider}', but it must be one of: {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TryParseProvider(out var provider))
        {
            yield return new ValidationResult(ProviderError, [nameof(Provider)]);
            yield break;
        }

        if (provider != DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                $"{SectionName}:ConnectionString is required when {SectionName}:Provider is {provider}.",
                [nameof(ConnectionString)]);
        }
    }

    private bool TryParseProvider(out DatabaseProvider provider)
    {
        provider = default;
        return !int.TryParse(Provider, out _) &&
            Enum.TryParse(Provider, ignoreCase: true, out provider) &&
            Enum.IsDefined(provider);
    }
}
