namespace Stats.Core.Enrichment;

/// <summary>
/// The family of a user agent, kept instead of the user agent itself: a robot's matched pattern, a tool ("curl",
/// "python-requests") or a browser ("Firefox"). A handful of names per repository, so that an admin can tell a
/// harvester's tool from browsers without the store ever holding a user-agent string (docs/domain/privacy.md).
/// </summary>
public static class UserAgentFamilies
{
    /// <summary>A user agent that is neither a known tool nor a known browser.</summary>
    public const string Other = "Other";

    /// <summary>A scripted client that matched a machine pattern but no named tool.</summary>
    public const string OtherTool = "Other tool";

    /// <summary>Longest a family is kept: a robot list may hold long regexes.</summary>
    public const int MaxLength = 64;

    // Tools first (a tool may mention a browser), then browsers in the order their user agents contain each other's names:
    // Edge and Opera say "Chrome", Chrome says "Safari".
    private static readonly (string Needle, string Family)[] s_families =
    [
        ("python-requests", "python-requests"), ("python-urllib", "python-urllib"), ("python-httpx", "python-httpx"),
        ("aiohttp", "aiohttp"), ("curl", "curl"), ("wget", "Wget"), ("aria2", "aria2"), ("httpie", "HTTPie"),
        ("go-http-client", "Go-http-client"), ("okhttp", "OkHttp"), ("apache-httpclient", "Apache-HttpClient"), ("java/", "Java"),
        ("libwww-perl", "libwww-perl"), ("guzzlehttp", "Guzzle"), ("php/", "PHP"), ("node-fetch", "node-fetch"),
        ("axios", "axios"), ("undici", "undici"), ("postmanruntime", "Postman"), ("windowspowershell", "PowerShell"),
        ("httr", "R"), ("rcurl", "R"), ("reqwest", "reqwest"), ("ruby", "Ruby"), ("faraday", "Ruby"), ("dart:io", "Dart"),
        ("edg/", "Edge"), ("edga/", "Edge"), ("edgios/", "Edge"), ("opr/", "Opera"), ("opera", "Opera"),
        ("samsungbrowser", "Samsung Internet"), ("yabrowser", "Yandex Browser"), ("vivaldi", "Vivaldi"),
        ("firefox/", "Firefox"), ("fxios/", "Firefox"), ("crios/", "Chrome"), ("chrome/", "Chrome"), ("chromium/", "Chrome"),
        ("safari/", "Safari"), ("trident/", "Internet Explorer"), ("msie ", "Internet Explorer"),
    ];

    /// <summary>The family of a user agent that is not a robot: a named tool or browser, else <see cref="OtherTool"/> or <see cref="Other"/>.</summary>
    public static string Of(string userAgent, bool machine)
    {
        foreach (var (needle, family) in s_families)
        {
            if (userAgent.Contains(needle, StringComparison.OrdinalIgnoreCase))
            {
                return family;
            }
        }

        return machine ? OtherTool : Other;
    }

    /// <summary>A robot's family: the pattern of the robot list that matched it, cut to <see cref="MaxLength"/>.</summary>
    public static string OfRobot(string pattern)
    {
        // "Googlebot/" names the same family as "Googlebot".
        var family = pattern.TrimEnd('/', ' ', '-', '_', ';');
        family = family.Length > 0 ? family : pattern;
        return family.Length <= MaxLength ? family : family[..MaxLength];
    }
}
