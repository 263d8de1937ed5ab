using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace RiskMonitor.Server.Tests.Hostile;

/// <summary>CsCheck generators of what a confused or hostile client sends: any JSON, JSON-ish noise, raw bytes.</summary>
internal static class HostileGen
{
    public static Gen<string> AnyJson(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.OneOf("null", "true", "false", "0", "-1", "1e999", "-0", "\"\"", "\"red\"", "\"online\"", "\"entrapment\"", "[]", "{}",
                "\"2026-11-25T12:00:00Z\"", "\"2026-11-25T12:00:00\"", "\"\\uD800\"", "\"<script>alert(1)</script>\"", "\"' OR 1=1 --\""),
            Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
            Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
            Gen.String[0, 300].Select(s => JsonSerializer.Serialize(s)));
        if (depth == 0)
        {
            return scalar;
        }

        var child = AnyJson(depth - 1);
        var key = Gen.OneOf(
            Gen.OneOf("ts", "values", "code", "active", "detail", "ch4_lel", "actor", "note", "description", "deviceId", "assets", "startsAt", "officer"),
            Gen.String[0, 12]);
        return Gen.Frequency(
            (3, scalar),
            (2, Gen.Select(key, child).Array[0, 6].Select(m =>
                "{" + string.Join(',', m.DistinctBy(p => p.Item1).Select(p => JsonSerializer.Serialize(p.Item1) + ":" + p.Item2)) + "}")),
            (1, child.Array[0, 6].Select(items => "[" + string.Join(',', items) + "]")));
    }

    private static readonly string[] Fragments = ["{", "}", "[", "]", "\"", ",", ":", "\\", "NaN", "1e999", "\u0000", "温", "\"values\":", "\"ts\":"];

    /// <summary>A valid JSON text with a few bytes broken: deleted, overwritten, cut, or a JSON fragment slipped in.</summary>
    public static Gen<byte[]> Broken(Gen<string> json) =>
        Gen.Select(json, Gen.Int[0, 3].Array[1, 4], Gen.Int[0, int.MaxValue].Array[4], Gen.Byte.Array[4], (text, ops, positions, bytes) =>
        {
            var data = Encoding.UTF8.GetBytes(text).ToList();
            for (var i = 0; i < ops.Length; i++)
            {
                var at = data.Count == 0 ? 0 : positions[i] % data.Count;
                switch (ops[i])
                {
                    case 0 when data.Count > 0:
                        data.RemoveAt(at);
                        break;
                    case 1 when data.Count > 0:
                        data[at] = bytes[i];
                        break;
                    case 2:
                        data.RemoveRange(at, data.Count - at);
                        break;
                    default:
                        data.InsertRange(at, Encoding.UTF8.GetBytes(Fragments[positions[i] % Fragments.Length]));
                        break;
                }
            }

            return data.ToArray();
        });

    public static Gen<byte[]> Payload { get; } = Gen.Frequency(
        (4, AnyJson(3).Select(Encoding.UTF8.GetBytes)),
        (3, Broken(AnyJson(3))),
        (2, Gen.Byte.Array[0, 400]),
        (1, Gen.OneOf("online", "offline", "ONLINE", "", " ", "\"online\"").Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Int[65_000, 70_000].Select(n => Encoding.UTF8.GetBytes("{\"values\":{\"a\":1},\"pad\":\"" + new string('x', n) + "\"}"))));

    /// <summary>One generated value, the same for the same seed: for tests that need data, not a property.</summary>
    public static T Generate<T>(this Gen<T> gen, ulong seed) => gen.Generate(new PCG(1, seed), null, out _);
}
