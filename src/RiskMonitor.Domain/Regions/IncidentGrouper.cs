using System.Collections.Immutable;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace RiskMonitor.Domain.Regions;

/// <summary>An alert as incident grouping sees it: where its asset is and when it was raised.</summary>
public sealed record IncidentAlert(string AlertId, string AssetId, Geometry Geometry, DateTimeOffset RaisedAt, WarningLevel Severity);

/// <summary>
/// Alerts that belong together: a gas leak seen by three sensors is one incident, not three pages.
/// <see cref="IncidentId"/> is the id of its first alert (earliest raised, then ordinal id), so it stays put while
/// later alerts join.
/// </summary>
public sealed record Incident(string IncidentId, WarningLevel Severity, DateTimeOffset FirstRaisedAt, DateTimeOffset LastRaisedAt, ImmutableArray<IncidentAlert> Alerts);

/// <summary>
/// Groups alerts into incidents (issue 6, 4a): two alerts are linked when their assets lie within
/// <c>distanceM</c> of each other (nearest points, so a long pipeline links along its length) and they were raised
/// within <c>window</c> of each other; an incident is a connected group of links (single linkage, so a leak spreading
/// along a street stays one incident). Pure: the same alerts give the same incidents.
/// </summary>
public static class IncidentGrouper
{
    public static IReadOnlyList<Incident> Group(IReadOnlyList<IncidentAlert> alerts, double distanceM, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentOutOfRangeException.ThrowIfNegative(distanceM);
        var ordered = alerts.OrderBy(a => a.RaisedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal).ToArray();
        var parent = Enumerable.Range(0, ordered.Length).ToArray();
        var tree = new STRtree<int>();
        for (var k = 0; k < ordered.Length; k++)
        {
            tree.Insert(ordered[k].Geometry.EnvelopeInternal, k);
        }

        if (ordered.Length > 0)
        {
            tree.Build();
        }

        for (var k = 0; k < ordered.Length; k++)
        {
            foreach (var other in tree.Query(GeoDistance.Expand(ordered[k].Geometry.EnvelopeInternal, distanceM)))
            {
                // Cheapest test first: a pair already in one group adds nothing (single linkage), so the geometric
                // distance, by far the dearest step, is only taken for pairs that could join two groups. In an alert
                // storm over a dense district that is what keeps a pass near linear rather than one per pair.
                if (other > k && (ordered[other].RaisedAt - ordered[k].RaisedAt).Duration() <= window
                    && Find(k) != Find(other)
                    && GeoDistance.Metres(ordered[k].Geometry, ordered[other].Geometry) <= distanceM)
                {
                    Union(k, other);
                }
            }
        }

        return [.. Enumerable.Range(0, ordered.Length)
            .GroupBy(Find)
            .Select(g => g.Select(k => ordered[k]).ToImmutableArray())
            .Select(members => new Incident(
                members[0].AlertId,
                members.Max(a => a.Severity),
                members[0].RaisedAt,
                members[^1].RaisedAt,
                members))
            .OrderByDescending(i => i.Severity).ThenByDescending(i => i.LastRaisedAt)];

        int Find(int k)
        {
            while (parent[k] != k)
            {
                k = parent[k] = parent[parent[k]];
            }

            return k;
        }

        void Union(int a, int b)
        {
            var (ra, rb) = (Find(a), Find(b));
            if (ra != rb)
            {
                // The earlier alert's root wins, so the incident is named after its first alert.
                parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
            }
        }
    }
}
