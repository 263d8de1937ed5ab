using System.Text.Json;

namespace RiskMonitor.Simulator.City;

/// <summary>Writes the assets as a GeoJSON FeatureCollection the server's registry loader reads (DESIGN.md §3).</summary>
internal static class CityGeoJson
{
    public static byte[] ToUtf8(IReadOnlyList<GeneratedAsset> assets)
        => FeatureCollectionWriter.ToUtf8(assets, 600, WriteFeature);

    private static void WriteFeature(Utf8JsonWriter w, GeneratedAsset a)
    {
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteString("id", a.Id);
        w.WriteStartObject("geometry");
        w.WriteString("type", a.IsLine ? "LineString" : "Point");
        w.WriteStartArray("coordinates");
        if (a.IsLine)
        {
            foreach (var position in a.Coordinates)
            {
                WritePosition(w, position);
            }
        }
        else
        {
            w.WriteNumberValue(a.Coordinates[0].Lon);
            w.WriteNumberValue(a.Coordinates[0].Lat);
        }

        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("properties");
        w.WriteString("id", a.Id);
        w.WriteString("kind", a.Kind);
        w.WriteString("name", a.Name);
        w.WriteString("industry", a.Industry);
        w.WriteString("inherentLevel", a.InherentLevel);
        if (a.HazardGrade is not null)
        {
            w.WriteString("hazardGrade", a.HazardGrade);
        }

        w.WriteString("ownerUnit", a.OwnerUnit);
        w.WriteStartObject("responsible");
        w.WriteString("name", a.Responsible.Name);
        w.WriteString("phone", a.Responsible.Phone);
        w.WriteEndObject();
        w.WriteString("regionId", a.RegionId);
        w.WriteNumber("reportingIntervalSeconds", a.ReportingIntervalSeconds);
        if (a.LengthM is { } length)
        {
            w.WriteNumber("lengthM", length);
        }

        if (a.Material is not null)
        {
            w.WriteString("material", a.Material);
        }

        if (a.Building is not null)
        {
            w.WriteString("building", a.Building);
        }

        if (a.Floors is { } floors)
        {
            w.WriteNumber("floors", floors);
        }

        if (a.Substance is not null)
        {
            w.WriteString("substance", a.Substance);
        }

        if (a.Safety is { } safety)
        {
            // 一图一牌三清单 inputs (docs/decisions/0019-risk-snapshot-and-site-boards.md).
            w.WriteStartArray("mainHazards");
            foreach (var hazard in safety.MainHazards)
            {
                w.WriteStringValue(hazard);
            }

            w.WriteEndArray();
            w.WriteStartArray("controlMeasures");
            foreach (var measure in safety.ControlMeasures)
            {
                w.WriteStringValue(measure);
            }

            w.WriteEndArray();
            w.WriteStartArray("emergencyContacts");
            foreach (var contact in safety.EmergencyContacts)
            {
                w.WriteStartObject();
                w.WriteString("role", contact.Role);
                w.WriteString("name", contact.Name);
                w.WriteString("phone", contact.Phone);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("emergencyResponses");
            foreach (var response in safety.EmergencyResponses)
            {
                w.WriteStartObject();
                w.WriteString("scenario", response.Scenario);
                w.WriteString("actions", response.Actions);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WritePosition(Utf8JsonWriter w, GeoPosition position)
    {
        w.WriteStartArray();
        w.WriteNumberValue(position.Lon);
        w.WriteNumberValue(position.Lat);
        w.WriteEndArray();
    }

}
