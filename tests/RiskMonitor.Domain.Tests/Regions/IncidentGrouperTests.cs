using CsCheck;
using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Domain.Tests.Regions;

public sealed class IncidentGrouperTests
{
    private const double Lat = 30.25;
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly GeometryFactory Factory = new();
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private static Point At(double eastM, double northM) =>
        Factory.CreatePoint(new Coordinate(120.15 + (eastM / GeoDistance.MetresPerDegreeLon(Lat)), Lat + (northM / GeoDistance.MetresPerDegreeLat)));

    private static IncidentAlert Alert(string id, Geometry where, double minutes, WarningLevel severity = WarningLevel.Yellow) =>
        new(id, "asset-" + id, where, T0.AddMinutes(minutes), severity);

    [Fact]
    public void Three_sensors_seeing_one_leak_make_one_incident_named_after_the_first_alert()
    {
        IncidentAlert[] alerts = [Alert("b", At(120, 0), 2, WarningLevel.Red), Alert("a", At(0, 0), 0), Alert("c", At(60, 90), 5)];

        var incident = Assert.Single(IncidentGrouper.Group(alerts, 200, Window));

        Assert.Equal("a", incident.IncidentId);
        Assert.Equal(WarningLevel.Red, incident.Severity);
        Assert.Equal(["a", "b", "c"], incident.Alerts.Select(a => a.AlertId));
        Assert.Equal(T0.AddMinutes(5), incident.LastRaisedAt);
    }

    [Fact]
    public void Alerts_too_far_apart_in_space_or_in_time_stay_separate()
    {
        IncidentAlert[] alerts = [Alert("a", At(0, 0), 0), Alert("far", At(250, 0), 1), Alert("late", At(10, 0), 11)];

        var incidents = IncidentGrouper.Group(alerts, 200, Window);

        Assert.Equal(3, incidents.Count);
    }

    [Fact]
    public void A_leak_spreading_along_a_street_stays_one_incident_and_a_pipeline_links_along_its_length()
    {
        var pipeline = Factory.CreateLineString([At(0, 0).Coordinate, At(1000, 0).Coordinate]);
        IncidentAlert[] alerts =
        [
            Alert("p", pipeline, 0), // 1 km long: a sensor near either end is close to it
            Alert("w", At(-150, 0), 1),
            Alert("e", At(1150, 50), 2),
            Alert("e2", At(1300, 50), 3), // 150 m from "e", more than 200 m from the pipeline: linked through "e"
        ];

        var incident = Assert.Single(IncidentGrouper.Group(alerts, 200, Window));

        Assert.Equal(4, incident.Alerts.Length);
    }
    [Fact]
    public void Groups_are_the_connected_components_of_every_linked_pair()
    {
        // The grouper skips the distance of a pair already in one group; whatever it skips, the groups must be those of
        // the plain definition: link every pair close enough in space and time, take the connected components.
        // On a 7 m grid no two points are between 199.2 and 200.2 m apart (7^2 (a^2 + b^2) never comes nearer to 200^2),
        // so the projection's centimetres cannot tip a pair across the 200 m line one way here and the other way there.
        var point = Gen.Select(Gen.Int[0, 114], Gen.Int[0, 114], Gen.Int[0, 30]);
        point.Array[0, 40].Sample(points =>
        {
            var alerts = points.Select((p, i) => Alert("a" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), At(7.0 * p.Item1, 7.0 * p.Item2), p.Item3)).ToArray();

            var groups = IncidentGrouper.Group(alerts, 200, Window)
                .Select(i => string.Join(",", i.Alerts.Select(a => a.AlertId).Order(StringComparer.Ordinal)))
                .Order(StringComparer.Ordinal);

            Assert.Equal(BruteForce(alerts), groups);
        });

        static IEnumerable<string> BruteForce(IncidentAlert[] alerts)
        {
            var component = Enumerable.Range(0, alerts.Length).ToArray();
            for (var changed = true; changed;)
            {
                changed = false;
                for (var i = 0; i < alerts.Length; i++)
                {
                    for (var j = 0; j < alerts.Length; j++)
                    {
                        if (component[j] < component[i] && (alerts[i].RaisedAt - alerts[j].RaisedAt).Duration() <= Window
                            && GeoDistance.Metres(alerts[i].Geometry, alerts[j].Geometry) <= 200)
                        {
                            component[i] = component[j];
                            changed = true;
                        }
                    }
                }
            }

            return Enumerable.Range(0, alerts.Length)
                .GroupBy(i => component[i])
                .Select(g => string.Join(",", g.Select(i => alerts[i].AlertId).Order(StringComparer.Ordinal)))
                .Order(StringComparer.Ordinal);
        }
    }
}
