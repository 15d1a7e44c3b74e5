using Microsoft.AspNetCore.Components;
using MudBlazor;
using Stats.Core.Access;

namespace Stats.Dashboard.Components.Pages.Admin;

public sealed partial class AccessRulesSection : IDisposable
{
    private RuleScope _scope = RuleScope.Global;
    private string? _scopeId;
    private StatFamily _family = StatFamily.Usage;
    private Audience _audience = DefaultAudiences.Of(StatFamily.Usage);
    private string? _error;
    private bool _busy;
    private AccessRuleSet _ruleSet = AccessRuleSet.Empty;
    private IReadOnlyList<AccessRuleInfo> _rules = [];
    private IReadOnlyList<AccessRuleChangeInfo> _changes = [];
    private IDisposable? _rulesChanged;

    [Inject]
    private AccessRuleStore Rules { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    /// <summary>Who the audit log names for changes made here.</summary>
    [Parameter, EditorRequired]
    public string ChangedBy { get; set; } = "";

    protected override async Task OnInitializedAsync()
    {
        // Another admin's change (here or, within seconds, on another instance) shows without a reload.
        _rulesChanged = Rules.Subscribe(() => _ = InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
        await LoadAsync();
    }

    private RuleTarget Target => new(_scope, _scopeId ?? "");

    /// <summary>Who may see the chosen family in the chosen scope now.</summary>
    private Audience Current => _ruleSet.InForce(_family, Target);

    private string CurrentSource =>
        _scope != RuleScope.Global && _ruleSet.Find(_family, _scope, (_scopeId ?? "").Trim()) is not null ? "this scope's rule"
        : _ruleSet.Find(_family, RuleScope.Global, "") is not null ? "the whole repository's rule"
        : "the default";

    private bool Widening => AccessRuleSet.Widens(Current, _audience);

    private string PreviewNote =>
        _audience == Current ? ": no change"
        : Widening ? ": more people may see them"
        : ": fewer people may see them";

    private async Task LoadAsync()
    {
        _ruleSet = await Rules.GetAsync();
        _rules = _ruleSet.Rules;
        _changes = await Rules.ChangesAsync(take: 50);
    }

    // Each choice of where and what resets "who" to what is in force there: a Save without a choice of audience changes nothing.
    private void ScopeChanged(RuleScope scope)
    {
        _scope = scope;
        if (scope == RuleScope.Global)
        {
            _scopeId = null;
        }

        _audience = Current;
    }

    private void ScopeIdChanged(string? id)
    {
        _scopeId = id;
        _audience = Current;
    }

    private void FamilyChanged(StatFamily family)
    {
        _family = family;
        _audience = Current;
    }

    private async Task SaveAsync()
    {
        _error = null;
        try
        {
            // A missing id is said before a confirmation is asked for a change that cannot be made.
            AccessRuleStore.Normalized(Target);
        }
        catch (ArgumentException ex)
        {
            _error = ex.Message.Split(" (Parameter", 2)[0];
            return;
        }

        if (Widening && !await ConfirmWideningAsync(Target, _family, Current, _audience))
        {
            return;
        }

        await ChangeAsync(Target, _family, _audience);
    }

    private async Task RemoveAsync(AccessRuleInfo rule)
    {
        var after = _ruleSet.WithoutRuleAt(rule.Family, rule.Target);
        if (AccessRuleSet.Widens(rule.Audience, after) && !await ConfirmWideningAsync(rule.Target, rule.Family, rule.Audience, after))
        {
            return;
        }

        await ChangeAsync(rule.Target, rule.Family, audience: null);
    }

    private async Task<bool> ConfirmWideningAsync(RuleTarget target, StatFamily family, Audience before, Audience after)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Widen who may see them?",
            $"{AdminLabels.Of(family)}, {AdminLabels.Of(target)}: {AdminLabels.Of(before)} → {AdminLabels.Of(after)}. "
                + "More people may see these statistics at once, on the pages, the API and the embeds.",
            yesText: "Widen access",
            cancelText: "Cancel");
        return confirmed == true;
    }

    private async Task ChangeAsync(RuleTarget target, StatFamily family, Audience? audience)
    {
        _error = null;
        _busy = true;
        try
        {
            await Rules.SetAsync(target, family, audience, ChangedBy);
            await LoadAsync();
        }
        catch (ArgumentException ex)
        {
            _error = ex.Message.Split(" (Parameter", 2)[0];
        }
        finally
        {
            _busy = false;
        }
    }

    public void Dispose() => _rulesChanged?.Dispose();
}
