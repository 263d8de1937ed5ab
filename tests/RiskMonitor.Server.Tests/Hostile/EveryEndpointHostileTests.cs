using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace RiskMonitor.Server.Tests.Hostile;

/// <summary>
/// Issue 24, item 6: every endpoint the OpenAPI document lists is called with its own body shape and query parameters,
/// filled with control characters, non-finite and overflowing numbers, extreme dates, integer enums and bad ids. No
/// answer may be a 5xx. One server, a bounded number of requests (a few per endpoint), a seed printed on failure.
/// </summary>
public sealed class EveryEndpointHostileTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int VariantsPerEndpoint = 4;

    private static readonly string[] Strings =
    [
        "\"\\u0000\"", "\"a\\u0000b\"", "\"\\u001b[31mred\"", "\"\\u007f\\u0085\"", "\"\\ud800\"", "\"\\udfff x\"", "\"\"", "\" \"",
        "\"" + new string('长', 5000) + "\"", "\"<script>alert(1)</script>\"", "\"' OR 1=1 --\"", "\"../../etc/passwd\"",
    ];

    private static readonly string[] Numbers =
    [
        "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "1e309", "-1e309", "1.7976931348623157e308", "-0", "9007199254740993",
        "2147483648", "-2147483649", "1e-400", "\"1e309\"",
    ];

    private static readonly string[] Dates =
    [
        "\"9999-12-31T23:59:59.9999999Z\"", "\"0001-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00-14:00\"", "\"9999-12-31T23:59:59+14:00\"",
        "\"9999-12-31T23:59:59-14:00\"", "\"1900-01-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"", "\"\\u0000\"",
    ];

    private static readonly string[] QueryValues =
    [
        "NaN", "Infinity", "-Infinity", "1e309", "%00", "%00abc", "9999-12-31T23:59:59%2B14:00", "0001-01-01T00:00:00-14:00",
        "-2147483649", "99999999999999999999", "%E2%80%AE", "%1B",
    ];

    private static readonly string[] Ids = ["no-such-id", "%00x", "a%0Ab", new string('9', 300), "..%2F..%2Fetc", "gp-t-001", "7"];

    [Fact]
    public async Task No_endpoint_answers_a_server_error_to_hostile_values_of_its_own_shape()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        using var openApi = JsonDocument.Parse(await server.Http.GetStringAsync("openapi/v1.json", ct));
        var document = openApi.RootElement;
        var operations = Operations(document).ToList();
        Assert.True(operations.Count >= 40, $"only {operations.Count} operations in the OpenAPI document");

        var requests = new List<(HttpMethod Method, string Path, string? Body)>();
        foreach (var operation in operations)
        {
            for (var v = 0; v < VariantsPerEndpoint; v++)
            {
                requests.Add(Request(document, operation, random));
            }
        }

        var failures = new List<string>();
        var clientErrors = 0;
        foreach (var (method, path, body) in requests)
        {
            using var message = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                message.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await server.Http.SendAsync(message, ct);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{(int)response.StatusCode} {method} {path} {Truncate(body)}: {Truncate(await response.Content.ReadAsStringAsync(ct))}");
            }
            else if ((int)response.StatusCode is >= 400 and < 500)
            {
                clientErrors++;
            }
        }

        Assert.True(failures.Count == 0, $"seed {seed}, {failures.Count} of {requests.Count} requests failed:\n{string.Join('\n', failures)}");
        Assert.True(clientErrors > requests.Count / 2, $"only {clientErrors} of {requests.Count} were refused: the values are not reaching validation");
        using var ready = await server.Http.GetAsync("health/ready", ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private sealed record Operation(HttpMethod Method, string Path, JsonElement Spec);

    private static IEnumerable<Operation> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = operation.Name.ToUpperInvariant() switch
                {
                    "GET" => HttpMethod.Get,
                    "POST" => HttpMethod.Post,
                    "PUT" => HttpMethod.Put,
                    "PATCH" => HttpMethod.Patch,
                    "DELETE" => HttpMethod.Delete,
                    _ => null,
                };
                if (method is not null)
                {
                    yield return new Operation(method, path.Name, operation.Value);
                }
            }
        }
    }

    private static (HttpMethod, string, string?) Request(JsonElement document, Operation operation, Random random)
    {
        var path = operation.Path.TrimStart('/');
        var query = new List<string>();
        if (operation.Spec.TryGetProperty("parameters", out var parameters))
        {
            foreach (var parameter in parameters.EnumerateArray())
            {
                var name = parameter.GetProperty("name").GetString()!;
                switch (parameter.GetProperty("in").GetString())
                {
                    case "path":
                        path = path.Replace("{" + name + "}", Pick(random, Ids), StringComparison.Ordinal);
                        break;
                    case "query" when random.Next(3) > 0:
                        query.Add($"{name}={Pick(random, QueryValues)}");
                        break;
                }
            }
        }

        string? body = null;
        if (operation.Spec.TryGetProperty("requestBody", out var requestBody) && requestBody.TryGetProperty("content", out var content) &&
            content.TryGetProperty("application/json", out var json) && json.TryGetProperty("schema", out var schema))
        {
            body = Value(document, schema, random, depth: 0);
        }

        return (operation.Method, query.Count == 0 ? path : $"{path}?{string.Join('&', query)}", body);
    }

    /// <summary>A JSON value of the schema's shape, most of it hostile.</summary>
    private static string Value(JsonElement document, JsonElement schema, Random random, int depth)
    {
        schema = Resolve(document, schema);
        if (depth > 4)
        {
            return "null";
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options) && options.GetArrayLength() > 0)
            {
                var choices = options.EnumerateArray().Select(o => Resolve(document, o)).Where(o => TypeOf(o) != "null").ToList();
                return choices.Count == 0 ? "null" : Value(document, choices[random.Next(choices.Count)], random, depth);
            }
        }

        if (schema.TryGetProperty("enum", out var members) && members.GetArrayLength() > 0)
        {
            return random.Next(3) switch
            {
                0 => members[random.Next(members.GetArrayLength())].GetRawText(),
                1 => random.Next(-5, 50).ToString(CultureInfo.InvariantCulture), // an integer where a member name belongs
                _ => Pick(random, Strings),
            };
        }

        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        switch (TypeOf(schema))
        {
            case "object" or null when schema.TryGetProperty("properties", out var properties):
                var members2 = properties.EnumerateObject()
                    .Select(p => $"{JsonSerializer.Serialize(p.Name)}:{Value(document, p.Value, random, depth + 1)}");
                return "{" + string.Join(',', members2) + "}";
            case "object":
                return random.Next(2) == 0 ? "{}" : "{\"k\\u0000\":\"v\"}";
            case "array":
                var items = schema.TryGetProperty("items", out var itemSchema)
                    ? Enumerable.Range(0, random.Next(0, 3)).Select(_ => Value(document, itemSchema, random, depth + 1))
                    : [];
                return "[" + string.Join(',', items) + "]";
            case "string" when format is "date-time" or "date":
                return Pick(random, Dates);
            case "string":
                return Pick(random, Strings);
            case "number" or "integer":
                return Pick(random, Numbers);
            case "boolean":
                return random.Next(3) switch { 0 => "true", 1 => "2", _ => "\"yes\"" };
            default:
                return Pick(random, [.. Strings, .. Numbers, .. Dates, "null", "{}", "[]"]);
        }
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        for (var hops = 0; hops < 10 && schema.TryGetProperty("$ref", out var reference); hops++)
        {
            var target = document;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                target = target.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }

            schema = target;
        }

        return schema;
    }

    /// <summary>The schema's type; OpenAPI 3.1 may give a list such as ["string", "null"], of which the non-null one.</summary>
    private static string? TypeOf(JsonElement schema) =>
        !schema.TryGetProperty("type", out var type) ? null
        : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null") ?? "null"
        : type.GetString();

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 300 ? text : text[..300] + "...";
}
