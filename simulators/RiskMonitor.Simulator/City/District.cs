namespace RiskMonitor.Simulator.City;

/// <summary>A district of the demo city: an axis-aligned rectangle in city metres, half-open on its east and north edges.</summary>
/// <param name="CommercialShare">Share of the district's building compounds that are office or shopping towers.</param>
internal sealed record District(
    string Id, string Name, double MinEastM, double MaxEastM, double MinNorthM, double MaxNorthM, double CommercialShare)
{
    public bool IsIndustrial => Id == CityLayout.IndustrialDistrictId;

    public bool Contains(double eastM, double northM) =>
        eastM >= MinEastM && eastM < MaxEastM && northM >= MinNorthM && northM < MaxNorthM;
}
