using System.Collections.Immutable;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Contracts.Telemetry;

/// <summary>One timestamped set of values from a device: one MQTT telemetry object, one InfluxDB point.</summary>
[GenerateSerializer, Immutable, Alias("rm.TelemetrySample.v1")]
public sealed record TelemetrySample(
    [property: Id(0)] DateTimeOffset Timestamp,
    [property: Id(1)] ImmutableArray<MetricValue> Values);

/// <summary>The samples of one MQTT message for one asset, as handed from ingestion to the asset's grain.</summary>
// Crosses silos and lands in grain storage, so the ids are a wire contract: add new ones, never reuse one.
[GenerateSerializer, Immutable, Alias("rm.TelemetryBatch.v1")]
public sealed record TelemetryBatch(
    [property: Id(0)] ImmutableArray<TelemetrySample> Samples,
    [property: Id(1)] DateTimeOffset ReceivedAt);

/// <summary>A discrete device event (<c>rm/v1/{assetId}/event</c>); <see cref="Active"/> false clears it.</summary>
[GenerateSerializer, Immutable, Alias("rm.DeviceEvent.v1")]
public sealed record DeviceEvent(
    [property: Id(0)] DateTimeOffset Timestamp,
    [property: Id(1)] string Code,
    [property: Id(2)] bool Active,
    [property: Id(3)] string? DetailJson,
    [property: Id(4)] DateTimeOffset ReceivedAt);

/// <summary>The retained status of a device (<c>rm/v1/{assetId}/status</c>): <c>online</c> or <c>offline</c>.</summary>
/// <summary>A hazmat vehicle's position fix from <c>rm/v1/{vehicleId}/position</c> (DESIGN.md §2).</summary>
[GenerateSerializer, Immutable, Alias("rm.VehiclePosition.v1")]
public sealed record VehiclePosition(
    [property: Id(0)] DateTimeOffset Timestamp,
    [property: Id(1)] double Lon,
    [property: Id(2)] double Lat,
    [property: Id(3)] double? SpeedKmh,
    [property: Id(4)] string? Cargo,
    [property: Id(5)] DateTimeOffset ReceivedAt);

[GenerateSerializer, Immutable, Alias("rm.DeviceStatus.v1")]
public sealed record DeviceStatus(
    [property: Id(0)] bool Online,
    [property: Id(1)] DateTimeOffset ReceivedAt);
