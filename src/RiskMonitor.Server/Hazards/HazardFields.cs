namespace RiskMonitor.Server.Hazards;

/// <summary>The bounds every hazard request checks its text fields against (the tip line is public: every field is bounded).</summary>
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
}
