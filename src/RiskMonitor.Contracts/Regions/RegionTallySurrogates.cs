using System.Collections.Immutable;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Contracts.Regions;

// The domain stays free of Orleans, so its region values cross the wire and land in storage through surrogates.
// The ids are a wire and storage contract: add new ones, never reuse one.

[GenerateSerializer, Immutable, Alias("rm.ColourCounts.v1")]
public struct ColourCountsSurrogate
{
    [Id(0)] public int Blue;
    [Id(1)] public int Yellow;
    [Id(2)] public int Orange;
    [Id(3)] public int Red;
}

[RegisterConverter]
public sealed class ColourCountsConverter : IConverter<ColourCounts, ColourCountsSurrogate>
{
    public ColourCounts ConvertFromSurrogate(in ColourCountsSurrogate s) => new(s.Blue, s.Yellow, s.Orange, s.Red);

    public ColourCountsSurrogate ConvertToSurrogate(in ColourCounts value) =>
        new() { Blue = value.Blue, Yellow = value.Yellow, Orange = value.Orange, Red = value.Red };
}

[GenerateSerializer, Immutable, Alias("rm.IndustryTally.v1")]
public struct IndustryTallySurrogate
{
    [Id(0)] public ColourCounts Counted;
    [Id(1)] public ColourCounts Crossing;
}

[RegisterConverter]
public sealed class IndustryTallyConverter : IConverter<IndustryTally, IndustryTallySurrogate>
{
    public IndustryTally ConvertFromSurrogate(in IndustryTallySurrogate s) => new(s.Counted, s.Crossing);

    public IndustryTallySurrogate ConvertToSurrogate(in IndustryTally value) => new() { Counted = value.Counted, Crossing = value.Crossing };
}

[GenerateSerializer, Immutable, Alias("rm.LayerTally.v1")]
public struct LayerTallySurrogate
{
    [Id(0)] public Dictionary<string, IndustryTally> ByIndustry;
}

[RegisterConverter]
public sealed class LayerTallyConverter : IConverter<LayerTally, LayerTallySurrogate>
{
    public LayerTally ConvertFromSurrogate(in LayerTallySurrogate s) =>
        s.ByIndustry is not { Count: > 0 } map ? LayerTally.Empty : new LayerTally(map.ToImmutableSortedDictionary(StringComparer.Ordinal));

    public LayerTallySurrogate ConvertToSurrogate(in LayerTally value) =>
        new() { ByIndustry = value.ByIndustry.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal) };
}

[GenerateSerializer, Immutable, Alias("rm.RegionTally.v1")]
public struct RegionTallySurrogate
{
    [Id(0)] public LayerTally Inherent;
    [Id(1)] public LayerTally Dynamic;
}

[RegisterConverter]
public sealed class RegionTallyConverter : IConverter<RegionTally, RegionTallySurrogate>
{
    public RegionTally ConvertFromSurrogate(in RegionTallySurrogate s) => new(s.Inherent, s.Dynamic);

    public RegionTallySurrogate ConvertToSurrogate(in RegionTally value) => new() { Inherent = value.Inherent, Dynamic = value.Dynamic };
}

[GenerateSerializer, Immutable, Alias("rm.ResponsiblePerson.v1")]
public struct ResponsiblePersonSurrogate
{
    [Id(0)] public string Name;
    [Id(1)] public string? Phone;
}

[RegisterConverter]
public sealed class ResponsiblePersonConverter : IConverter<ResponsiblePerson, ResponsiblePersonSurrogate>
{
    public ResponsiblePerson ConvertFromSurrogate(in ResponsiblePersonSurrogate s) => new(s.Name, s.Phone);

    public ResponsiblePersonSurrogate ConvertToSurrogate(in ResponsiblePerson value) => new() { Name = value.Name, Phone = value.Phone };
}
