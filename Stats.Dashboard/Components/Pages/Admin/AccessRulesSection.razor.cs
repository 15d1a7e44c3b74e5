using Microsoft.AspNetCore.Components;
using Stats.Core.Access;

namespace Stats.Dashboard.Components.Pages.Admin;

public sealed partial class AccessRulesSection : IDisposable
{
    private RuleScope _scope = RuleScope.Global;
    private string? _scopeId;
    private StatFamily _family = StatFamily.Usage;
    private Audience _audience = Audience.Public;
    private string? _error;
    private bool _busy;
    private AccessRuleSet _ruleSet = AccessRuleSet.Empty;
    private IReadOnlyList<AccessRuleInfo> _rules = [];
    private IReadOnlyList<AccessRuleChangeInfo> _changes = [];
    private IDisposable? _rulesChanged;

    [Inject]
    private AccessRuleStore Rules { get; set; } = default!;

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

    private async Task LoadAsync()
    {
        _ruleSet = await Rules.GetAsync();
        _rules = _ruleSet.Rules;
        _changes = await Rules.ChangesAsync(take: 50);
    }

    private void ScopeChanged(RuleScope scope)
    {
        _scope = scope;
        if (scope == RuleScope.Global)
        {
            _scopeId = null;
        }
    }

    private Task SaveAsync() => ChangeAsync(new RuleTarget(_scope, _scopeId ?? ""), _family, _audience);

    private Task RemoveAsync(AccessRuleInfo rule) => ChangeAsync(rule.Target, rule.Family, audience: null);

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
