using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RiskMonitor.Simulator.City;

/// <summary>
/// Writes a GeoJSON FeatureCollection with one feature per line: compact, yet a regenerated data file diffs line by
/// line in review. Shared by the asset, region and sensitive-site files.
/// </summary>
internal static class FeatureCollectionWriter
{
    // Chinese names stay readable in the files and in diffs instead of becoming \uXXXX escapes.
    private static readonly JsonWriterOptions FeatureOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] ToUtf8<T>(IReadOnlyList<T> items, int bytesPerItem, Action<Utf8JsonWriter, T> writeFeature)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(writeFeature);
        var output = new ArrayBufferWriter<byte>(Math.Max(1, items.Count * bytesPerItem));
        Append(output, "{\"type\":\"FeatureCollection\",\"features\":[\n");
        for (var k = 0; k < items.Count; k++)
        {
            using (var writer = new Utf8JsonWriter(output, FeatureOptions))
            {
                writeFeature(writer, items[k]);
            }

            Append(output, k < items.Count - 1 ? ",\n" : "\n");
        }

        Append(output, "]}\n");
        return output.WrittenSpan.ToArray();
    }

    private static void Append(ArrayBufferWriter<byte> output, string text) => output.Write(Encoding.UTF8.GetBytes(text));
}
