using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Data;

namespace Stats.Core.Events;

/// <summary>The <c>Stats:Events</c> settings: event types beyond the built-in ones.</summary>
public sealed class EventTypeOptions
{
    public const string SectionName = "Stats:Events";

    /// <summary>Types added by configuration: a name, the name people read, and the known fields it requires or allows.</summary>
    public List<CustomEventType> Types { get; set; } = [];
}

/// <summary>One event type added by configuration.</summary>
public sealed class CustomEventType
{
    public string Name { get; set; } = "";

    /// <summary>What the dashboard calls the type; its name when absent.</summary>
    public string? DisplayName { get; set; }

    public List<string> Required { get; set; } = [];

    public List<string> Optional { get; set; } = [];
}

/// <summary>
/// Every event type the store accepts: the built-in catalog and the types added by configuration. A configured
/// type gets a code of its own (from 1001 on) the first time the store sees it, kept in the EventTypes table so it
/// never changes. Its fields are fields the catalog already knows (recid, community, size...): the store's columns
/// are fixed, a new type is a new name for events built from them. The aggregator counts its events per day for the
/// repository, their record and their communities (<see cref="EventDefinition.IsConfigured"/>).
/// </summary>
public sealed partial class EventTypeRegistry
{
    private readonly List<CustomEventType> _custom;
    private readonly IDbContextFactory<StatsDbContext> _contextFactory;
    private Task<IReadOnlyDictionary<string, EventDefinition>>? _definitions;

    public EventTypeRegistry(IOptions<EventTypeOptions> options, IDbContextFactory<StatsDbContext> contextFactory)
    {
        _custom = options.Value.Types;
        _contextFactory = contextFactory;
    }

    /// <summary>What is wrong with configured types, one sentence each naming the setting; empty when all is well.</summary>
    public static IReadOnlyList<string> Validate(EventTypeOptions options)
    {
        var errors = new List<string>();
        var known = EventCatalog.BuiltIn.SelectMany(d => d.Fields).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < options.Types.Count; i++)
        {
            var type = options.Types[i];
            var setting = $"{EventTypeOptions.SectionName}:Types:{i}";
            if (!TypeName().IsMatch(type.Name))
            {
                errors.Add($"{setting}:Name '{type.Name}' must be lower-case words joined by hyphens, like 'page-printed'.");
            }
            else if (EventCatalog.IsBuiltIn(type.Name) || options.Types.Take(i).Any(t => t.Name == type.Name))
            {
                errors.Add($"{setting}:Name '{type.Name}' is already an event type.");
            }

            foreach (var field in type.Required.Concat(type.Optional).Where(f => !known.Contains(f)))
            {
                errors.Add($"{setting}: field '{field}' is not one the store keeps; use one of: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
            }
        }

        return errors;
    }

    /// <summary>The definition of a type by name (built-in or configured), or null for a type the store does not accept.</summary>
    public async ValueTask<EventDefinition?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        if (EventCatalog.Find(name) is { } builtIn)
        {
            return builtIn;
        }

        return _custom.Count == 0 ? null : (await Definitions().WaitAsync(cancellationToken)).GetValueOrDefault(name);
    }

    /// <summary>The names of the types added by configuration, in the order configured.</summary>
    public IReadOnlyList<string> ConfiguredNames => [.. _custom.Select(t => t.Name)];

    /// <summary>The configured types with their codes, loaded once; a failed load (store unavailable) is tried again next time.</summary>
    private Task<IReadOnlyDictionary<string, EventDefinition>> Definitions()
    {
        var current = _definitions;
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            var loading = LoadAsync(CancellationToken.None);
            current = Interlocked.CompareExchange(ref _definitions, loading, current) == current ? loading : _definitions!;
        }

        return current;
    }

    private async Task<IReadOnlyDictionary<string, EventDefinition>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var context = await _contextFactory.CreateDbContextAsync(cancellationToken);
        var stored = await StoredTypes(context).ToDictionaryAsync(t => t.Name, t => t.Id, StringComparer.Ordinal, cancellationToken);
        var next = (short)Math.Max(EventDefinition.FirstConfiguredCode, stored.Values.DefaultIfEmpty((short)0).Max() + 1);
        foreach (var type in _custom.Where(t => !stored.ContainsKey(t.Name)))
        {
            context.EventTypes.Add(new EventType { Id = next, Name = type.Name });
            stored[type.Name] = next++;
        }

        await context.SaveChangesAsync(cancellationToken);
        var kinds = EventCatalog.BuiltIn.SelectMany(d => d.Fields).GroupBy(f => f.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Kind, StringComparer.Ordinal);
        return _custom.ToDictionary(
            t => t.Name,
            t => new EventDefinition(
                t.Name,
                stored[t.Name],
                string.IsNullOrWhiteSpace(t.DisplayName) ? t.Name : t.DisplayName,
                [.. t.Required.Select(f => new FieldSpec(f, kinds[f], Required: true)), .. t.Optional.Select(f => new FieldSpec(f, kinds[f]))]),
            StringComparer.Ordinal);
    }

    internal static IQueryable<EventType> StoredTypes(StatsDbContext context) => context.EventTypes.AsNoTracking();

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex TypeName();
}

/// <summary>Fails the start on a wrong <c>Stats:Events</c> setting, with a message that names it.</summary>
internal sealed class EventTypeOptionsValidator : IValidateOptions<EventTypeOptions>
{
    public ValidateOptionsResult Validate(string? name, EventTypeOptions options)
    {
        var errors = EventTypeRegistry.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
