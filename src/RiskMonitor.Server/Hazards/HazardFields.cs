namespace RiskMonitor.Server.Hazards;

/// <summary>Field checks and names shared by the hazard endpoints (the tip line is public: every field it takes is bounded).</summary>
internal static class HazardFields
{
    public static void Require(Dictionary<string, string[]> errors, string name, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength)
        {
            errors[name] = [$"{name} is required (1-{maxLength} characters)."];
        }
    }

    public static void Limit(Dictionary<string, string[]> errors, string name, string? value, int maxLength)
    {
        if (value is { Length: var length } && length > maxLength)
        {
            errors[name] = [$"{name} is at most {maxLength} characters."];
        }
    }

    /// <summary>A new hazard's id: the day it was reported and eight random hex digits.</summary>
    public static string NewId(DateTimeOffset now) => $"HZ-{now:yyyyMMdd}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";

    /// <summary>An enum value as the API spells it (snake_case), for text built outside the JSON serializer.</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
