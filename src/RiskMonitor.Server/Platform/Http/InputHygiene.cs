using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace RiskMonitor.Server.Platform.Http;

/// <summary>
/// Text and number hygiene at the edge (issue 24 row 4): every value an endpoint binds (route, query, body records and
/// the lists and JSON inside them) is walked once before the handler runs. Control characters (other than tab and line
/// breaks), unpaired surrogates, strings over <see cref="MaxStringLength"/>, NaN and infinities, and dates outside
/// 1900-2200 are refused with 400 problem details. PostgreSQL refuses NUL in text and jsonb and arithmetic on NaN or year
/// 1 overflows, and both surfaced as 500s, anonymously on the tip line.
/// </summary>
internal static class InputHygiene
{
    /// <summary>A cap for any one string; fields with tighter limits check those themselves.</summary>
    public const int MaxStringLength = 20_000;

    private const int MaxDepth = 8;
    private static readonly DateTimeOffset Earliest = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]?> Walkable = new();

    /// <summary>The problems of one bound value, keyed by where they are ("note", "items[2].reason").</summary>
    public static void Check(object? value, string path, IDictionary<string, string[]> problems, int depth = 0)
    {
        ArgumentNullException.ThrowIfNull(problems);
        switch (value)
        {
            case null:
                return;
            case string text:
                if (Problem(text) is { } why)
                {
                    problems.TryAdd(path, [why]);
                }

                return;
            case double d when !double.IsFinite(d):
            case float f when !float.IsFinite(f):
                problems.TryAdd(path, ["A finite number is needed (not NaN or infinity)."]);
                return;
            case DateTimeOffset at when at < Earliest || at >= Latest:
            case DateTime dt when dt.Year < Earliest.Year || dt.Year >= Latest.Year:
                problems.TryAdd(path, ["A date between 1900 and 2200 is needed."]);
                return;
            case JsonElement json:
                CheckJson(json, path, problems, depth);
                return;
        }

        if (depth >= MaxDepth || value.GetType().IsPrimitive || value is Enum or decimal or TimeSpan or Guid)
        {
            return;
        }

        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                var key = entry.Key.ToString() ?? "";
                Check(key, $"{path}.{key}", problems, depth + 1);
                Check(entry.Value, $"{path}.{key}", problems, depth + 1);
            }

            return;
        }

        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                Check(item, $"{path}[{i++}]", problems, depth + 1);
            }

            return;
        }

        // Request models are records; services the handler also receives (stores, boards) are classes and are not walked.
        foreach (var property in Walkable.GetOrAdd(value.GetType(), PropertiesOfRecord) ?? [])
        {
            Check(property.GetValue(value), path.Length == 0 ? Camel(property.Name) : $"{path}.{Camel(property.Name)}", problems, depth + 1);
        }
    }

    /// <summary>Why a string is refused, or null.</summary>
    public static string? Problem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxStringLength)
        {
            return $"At most {MaxStringLength} characters.";
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || c is >= '\u007f' and <= '\u009f')
            {
                return $"Control character U+{(int)c:X4} is not allowed.";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "The text is not valid Unicode (an unpaired surrogate).";
            }
        }

        return null;
    }

    private static void CheckJson(JsonElement json, string path, IDictionary<string, string[]> problems, int depth)
    {
        if (depth >= MaxDepth * 4)
        {
            return;
        }

        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                if (TryGetString(json) is { } text)
                {
                    Check(text, path, problems, depth);
                }
                else
                {
                    problems.TryAdd(path, ["The text is not valid Unicode (an unpaired surrogate)."]);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in json.EnumerateArray())
                {
                    CheckJson(item, $"{path}[{i++}]", problems, depth + 1);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    Check(property.Name, $"{path}.{property.Name}", problems, depth + 1);
                    CheckJson(property.Value, $"{path}.{property.Name}", problems, depth + 1);
                }

                break;
        }
    }

    // A JSON string escaping half a surrogate pair ("\ud800") parses, but cannot be read as .NET text.
    private static string? TryGetString(JsonElement json)
    {
        try
        {
            return json.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static PropertyInfo[]? PropertiesOfRecord(Type type) =>
        type.GetMethod("<Clone>$") is null && !type.IsValueType
            ? null
            : type.Namespace?.StartsWith("RiskMonitor", StringComparison.Ordinal) != true
                ? null
                : [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0)];

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>Applies <see cref="InputHygiene"/> to every argument of every API endpoint: one place, so a new endpoint is covered.</summary>
internal sealed class InputHygieneFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        // The handler's MethodInfo is in the endpoint metadata; its parameters are the arguments, in order.
        var parameters = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>()?.GetParameters();
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            var name = parameters is not null && i < parameters.Length ? parameters[i].Name ?? $"arg{i}" : $"arg{i}";
            var argument = context.Arguments[i];
            // A body record reports its members by their own names ("note"), a route or query value by its parameter name.
            InputHygiene.Check(argument, argument is string or double or float or DateTimeOffset ? name : "", problems);
        }

        return problems.Count == 0
            ? next(context)
            : ValueTask.FromResult<object?>(TypedResults.ValidationProblem(problems, "Control characters, non-finite numbers and dates outside 1900-2200 are refused."));
    }
}
