using System.Globalization;

namespace Stats.Dashboard.Components.Pages;

/// <summary>English country names for ISO 3166-1 alpha-2 codes; "ZZ" is the IP lookup's unknown.</summary>
public static class CountryNames
{
    public static string Of(string code)
    {
        if (string.Equals(code, "ZZ", StringComparison.OrdinalIgnoreCase))
        {
            return "Unknown";
        }

        try
        {
            return new RegionInfo(code).EnglishName;
        }
        catch (ArgumentException)
        {
            return code;
        }
    }

    /// <summary>The name with its code, "Switzerland (CH)", as the country tables show it; the code alone when it has no name.</summary>
    public static string WithCode(string code) => Of(code) is var name && name != code ? $"{name} ({code.ToUpperInvariant()})" : code;
}
