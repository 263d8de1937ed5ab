using System.Buffers;
using System.Text.Json;
using RiskMonitor.Contracts.Telemetry;

namespace RiskMonitor.Ingestion.Parsing;

/// <summary>
/// Parses a hazmat vehicle's fix <c>{"ts":..,"lon":120.1,"lat":30.2,"speedKmh":42,"cargo":"UN1203"}</c>
/// (DESIGN.md §2). A fix every few seconds per vehicle is rare next to telemetry, so a <see cref="JsonDocument"/>.
/// </summary>
public static class PositionParser
{
    public static bool TryParse(
        ReadOnlySequence<byte> payload, DateTimeOffset receivedAt, TimeSpan maxFutureSkew,
        out VehiclePosition? position, out ParseProblem problem)
    {
        position = null;
        if (!SmallJsonDocument.TryParse(payload, out var document, out problem))
        {
            return false;
        }

        using (document)
        {
            try
            {
                return Read(document.RootElement, receivedAt, maxFutureSkew, out position, out problem);
            }
            catch (InvalidOperationException)
            {
                // TryGetProperty throws on a member name that escapes a lone surrogate ("\uD800").
                problem = new ParseProblem(RejectReason.InvalidJson, "a member name escapes a lone surrogate");
                return false;
            }
        }
    }

    private static bool Read(JsonElement root, DateTimeOffset receivedAt, TimeSpan maxFutureSkew, out VehiclePosition? position, out ParseProblem problem)
    {
        position = null;
        problem = default;
        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = new ParseProblem(RejectReason.WrongType, "a position is a JSON object");
            return false;
        }

        if (!TryNumber(root, "lon", out var lon) || !TryNumber(root, "lat", out var lat))
        {
            problem = new ParseProblem(RejectReason.InvalidPosition, "lon and lat must be numbers");
            return false;
        }

        if (!double.IsFinite(lon) || !double.IsFinite(lat) || lon is < -180 or > 180 || lat is < -90 or > 90)
        {
            problem = new ParseProblem(RejectReason.InvalidPosition, "lon must lie in [-180, 180] and lat in [-90, 90]");
            return false;
        }

        double? speed = null;
        if (root.TryGetProperty("speedKmh", out var speedElement) && speedElement.ValueKind != JsonValueKind.Null)
        {
            if (speedElement.ValueKind != JsonValueKind.Number || !speedElement.TryGetDouble(out var kmh) || !double.IsFinite(kmh) || kmh is < 0 or > 400)
            {
                problem = new ParseProblem(RejectReason.InvalidPosition, "speedKmh must be a number in [0, 400]");
                return false;
            }

            speed = kmh;
        }

        string? cargo = null;
        if (root.TryGetProperty("cargo", out var cargoElement) && cargoElement.ValueKind != JsonValueKind.Null)
        {
            cargo = cargoElement.ValueKind == JsonValueKind.String ? EventParser.TryGetString(cargoElement) : null;
            if (cargo is null || cargo.Length is 0 or > 32 || !cargo.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '.'))
            {
                problem = new ParseProblem(RejectReason.InvalidPosition, "cargo must be a short code such as UN1203");
                return false;
            }
        }

        var at = receivedAt;
        if (root.TryGetProperty("ts", out var tsElement))
        {
            if (!EventParser.TryReadTimestamp(tsElement, out at))
            {
                problem = new ParseProblem(RejectReason.InvalidTimestamp, "ts is neither unix milliseconds nor RFC 3339 with an offset");
                return false;
            }

            if (at - receivedAt > maxFutureSkew)
            {
                problem = new ParseProblem(RejectReason.FutureTimestamp, $"ts {at:O} is in the future");
                return false;
            }
        }

        position = new VehiclePosition(at, lon, lat, speed, cargo, receivedAt);
        return true;
    }

    private static bool TryNumber(JsonElement root, string name, out double value)
    {
        value = 0;
        return root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out value);
    }
}
