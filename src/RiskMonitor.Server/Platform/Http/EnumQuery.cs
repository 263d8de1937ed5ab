using System.Text.Json;

namespace RiskMonitor.Server.Platform.Http;

/// <summary>Enum values in query strings as the API writes them (snake_case: <c>in_progress</c>, <c>tip_line</c>).</summary>
internal static class EnumQuery
{
    public static TEnum? Parse<TEnum>(string? text, string name, Dictionary<string, string[]> errors)
        where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!int.TryParse(text, out _) &&
            Enum.TryParse<TEnum>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var value) && Enum.IsDefined(value))
        {
            return value;
        }

        errors[name] = [$"'{text}' is not one of: {string.Join(", ", Enum.GetNames<TEnum>().Select(JsonNamingPolicy.SnakeCaseLower.ConvertName))}."];
        return null;
    }
}
