using Microsoft.Extensions.Options;

namespace Stats.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    PostgreSql,
}

/// <summary>The <c>Stats:Database</c> settings.</summary>
public sealed class DatabaseOptions
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

    /// <summary>The provider named by <see cref="Provider"/>; throws with the validation message when it names none.</summary>
    public DatabaseProvider GetProvider() =>
        TryParseProvider(out var provider) ? provider : throw new InvalidOperationException(Validate()[0]);

    /// <summary>What is wrong with these settings, one sentence per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        if (!TryParseProvider(out var provider))
        {
            return [$"{SectionName}:Provider is '{Provider}', but it must be one of: {string.Join(", ", Enum.GetNames<DatabaseProvider>())}."];
        }

        return provider != DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(ConnectionString)
            ? [$"{SectionName}:ConnectionString is required when {SectionName}:Provider is {provider}."]
            : [];
    }

    private bool TryParseProvider(out DatabaseProvider provider)
    {
        provider = default;
        return !int.TryParse(Provider, out _) &&
            Enum.TryParse(Provider, ignoreCase: true, out provider) &&
            Enum.IsDefined(provider);
    }
}

/// <summary>Fails the start on a wrong <c>Stats:Database</c> setting, with a message that names it.</summary>
internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
