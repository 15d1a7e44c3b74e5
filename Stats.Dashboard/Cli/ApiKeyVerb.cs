using Stats.Core.Access;

namespace Stats.Dashboard.Cli;

/// <summary><c>apikey create|list|revoke</c>.</summary>
internal static class ApiKeyVerb
{
    public static async Task<int> RunAsync(ApiKeyService keys, Invocation invocation, CancellationToken cancellationToken)
    {
        switch (invocation.Words.Count > 0 ? invocation.Words[0] : null)
        {
            case "create":
                var name = invocation.Option("--name");
                var scopes = invocation.Options.GetValueOrDefault("--scope") ?? [];
                if (string.IsNullOrWhiteSpace(name) || scopes.Count == 0)
                {
                    Console.Error.WriteLine("apikey create needs --name and at least one --scope (ingest, read, admin); --reads-as is optional.");
                    return 2;
                }

                ApiKeyRole? readsAs = null;
                if (invocation.Option("--reads-as") is { } role)
                {
                    if (!Enum.TryParse<ApiKeyRole>(role, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                    {
                        Console.Error.WriteLine($"--reads-as is '{role}', but it must be one of: {string.Join(", ", Enum.GetNames<ApiKeyRole>())}.");
                        return 2;
                    }

                    readsAs = parsed;
                }

                try
                {
                    var (info, key) = await keys.CreateAsync(name, scopes, readsAs, cancellationToken);
                    Console.WriteLine($"Created key {info.Id} '{info.Name}' ({string.Join(", ", info.Scopes)}). Store it now, it is not shown again:");
                    Console.WriteLine(key);
                    return 0;
                }
                catch (ArgumentException ex)
                {
                    Console.Error.WriteLine(ex.Message.Split(" (Parameter", 2)[0]);
                    return 2;
                }

            case "list":
                var list = await keys.ListAsync(cancellationToken);
                if (list.Count == 0)
                {
                    Console.WriteLine("No API keys.");
                    return 0;
                }

                Console.WriteLine($"{"id",-5} {"prefix",-12} {"name",-24} {"scopes",-20} {"reads as",-9} {"created (UTC)",-17} {"last used (UTC)",-17} status");
                foreach (var k in list)
                {
                    var status = k.RevokedAt is { } revoked ? $"revoked {revoked:yyyy-MM-dd HH:mm}" : "active";
                    var lastUsed = k.LastUsedAt is { } used ? used.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "never";
                    Console.WriteLine($"{k.Id,-5} {k.Prefix,-12} {k.Name,-24} {string.Join(",", k.Scopes),-20} {k.ReadsAs,-9} {k.CreatedAt,-17:yyyy-MM-dd HH:mm} {lastUsed,-17} {status}");
                }

                return 0;

            case "revoke" when invocation.Words.Count == 2:
                if (await keys.RevokeAsync(invocation.Words[1], cancellationToken))
                {
                    Console.WriteLine($"Revoked key {invocation.Words[1]}.");
                    return 0;
                }

                Console.Error.WriteLine($"No API key with prefix or id '{invocation.Words[1]}'.");
                return 1;

            default:
                Console.Error.WriteLine("Usage: apikey create --name N --scope S [--scope S ...] [--reads-as R] | apikey list | apikey revoke <prefix|id>");
                return 2;
        }
    }
}
