using System.Globalization;
using System.Text.Json;

namespace RiskMonitor.Load;

/// <summary>A generated registry of gas pipelines <c>lp-0000001</c>.., in 16 districts, written as GeoJSON.</summary>
internal static class LoadRegistry
{
    public static string AssetId(int index) => "lp-" + index.ToString("D7", CultureInfo.InvariantCulture);

    public static void Write(string path, int assets, int reportingIntervalSeconds)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteStartArray("features");
        for (var i = 0; i < assets; i++)
        {
            var lon = 120.0 + (i % 1000 * 0.0005);
            var lat = 30.0 + (i / 1000 * 0.0005);
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("geometry");
            json.WriteString("type", "LineString");
            json.WriteStartArray("coordinates");
            foreach (var (x, y) in new[] { (lon, lat), (lon + 0.0004, lat) })
            {
                json.WriteStartArray();
                json.WriteNumberValue(x);
                json.WriteNumberValue(y);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("properties");
            json.WriteString("id", AssetId(i));
            json.WriteString("kind", "gas_pipeline");
            json.WriteString("name", "负载管段" + i.ToString(CultureInfo.InvariantCulture));
            json.WriteString("industry", "gas");
            json.WriteString("inherentLevel", "blue");
            json.WriteString("regionId", "d-" + (i % 16).ToString("D2", CultureInfo.InvariantCulture));
            json.WriteNumber("reportingIntervalSeconds", reportingIntervalSeconds);
            json.WriteEndObject();
            json.WriteEndObject();
            if (i % 10_000 == 0)
            {
                json.Flush();
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
