using System.Text.RegularExpressions;

namespace RiskMonitor.Ingestion.Tests;

public sealed class IngestionStatsTests
{
    [Fact]
    public void Rejections_are_counted_per_reason()
    {
        var stats = new IngestionStats();

        stats.Rejected(RejectReason.InvalidJson);
        stats.Rejected(RejectReason.InvalidJson);
        stats.Rejected(RejectReason.WrongType, 3);
        stats.Rejected(RejectReason.UnknownAsset);

        Assert.Equal(2, stats.RejectedCount(RejectReason.InvalidJson));
        Assert.Equal(3, stats.RejectedCount(RejectReason.WrongType));
        Assert.Equal(1, stats.RejectedCount(RejectReason.UnknownAsset));
        Assert.Equal(0, stats.RejectedCount(RejectReason.Oversized));
    }

    [Fact]
    public void The_snapshot_totals_every_rejection_and_keeps_the_per_reason_counts()
    {
        var stats = new IngestionStats();
        stats.Rejected(RejectReason.InvalidJson);
        stats.Rejected(RejectReason.UnknownAsset, 4);
        stats.Rejected(RejectReason.DispatchFailed);

        var snapshot = stats.Snapshot();

        Assert.Equal(6, snapshot.RejectedTotal);
        Assert.Equal(1, snapshot.RejectedByReason["invalid_json"]);
        Assert.Equal(4, snapshot.RejectedByReason["unknown_asset"]);
        Assert.Equal(1, snapshot.RejectedByReason["dispatch_failed"]);
        Assert.Equal(0, snapshot.RejectedByReason["oversized"]);
    }

    [Fact]
    public void Accepted_traffic_is_counted_apart_from_rejections()
    {
        var stats = new IngestionStats();

        stats.MessageReceived();
        stats.MessageReceived();
        stats.MessageReceived();
        stats.ReadingsAccepted(5);
        stats.ReadingsAccepted(2);
        stats.EventAccepted();
        stats.StatusAccepted();
        stats.StatusAccepted();

        var snapshot = stats.Snapshot();
        Assert.Equal(3, snapshot.MessagesReceived);
        Assert.Equal(7, snapshot.ReadingsAccepted);
        Assert.Equal(1, snapshot.EventsAccepted);
        Assert.Equal(2, snapshot.StatusesAccepted);
        Assert.Equal(0, snapshot.RejectedTotal);
    }

    [Theory]
    [InlineData(RejectReason.InvalidTopic, "invalid_topic")]
    [InlineData(RejectReason.InvalidAssetId, "invalid_asset_id")]
    [InlineData(RejectReason.UnknownAsset, "unknown_asset")]
    [InlineData(RejectReason.UnknownChannel, "unknown_channel")]
    [InlineData(RejectReason.UnsupportedChannel, "unsupported_channel")]
    [InlineData(RejectReason.Oversized, "oversized")]
    [InlineData(RejectReason.InvalidJson, "invalid_json")]
    [InlineData(RejectReason.WrongType, "wrong_type")]
    [InlineData(RejectReason.NonFiniteValue, "non_finite_value")]
    [InlineData(RejectReason.MissingValues, "missing_values")]
    [InlineData(RejectReason.EmptyBatch, "empty_batch")]
    [InlineData(RejectReason.InvalidTimestamp, "invalid_timestamp")]
    [InlineData(RejectReason.FutureTimestamp, "future_timestamp")]
    [InlineData(RejectReason.InvalidMetricName, "invalid_metric_name")]
    [InlineData(RejectReason.InvalidStatus, "invalid_status")]
    [InlineData(RejectReason.InvalidEvent, "invalid_event")]
    [InlineData(RejectReason.DispatchFailed, "dispatch_failed")]
    public void Each_reason_is_named_in_snake_case(RejectReason reason, string expected)
    {
        Assert.Equal(expected, IngestionStats.ReasonName(reason));
    }

    [Fact]
    public void The_snapshot_names_every_reason_once_in_snake_case_even_when_its_count_is_zero()
    {
        var stats = new IngestionStats();
        stats.Rejected(RejectReason.UnknownAsset);

        var snapshot = stats.Snapshot();

        Assert.Equal(Enum.GetValues<RejectReason>().Length, snapshot.RejectedByReason.Count);
        Assert.All(snapshot.RejectedByReason.Keys, k => Assert.Matches(new Regex("^[a-z]+(_[a-z]+)*$"), k));
        Assert.Equal(
            Enum.GetValues<RejectReason>().Select(IngestionStats.ReasonName).Order(),
            snapshot.RejectedByReason.Keys.Order());
        Assert.Equal(1, snapshot.RejectedByReason["unknown_asset"]);
    }

    [Fact]
    public void A_snapshot_does_not_move_when_counting_goes_on()
    {
        var stats = new IngestionStats();
        stats.Rejected(RejectReason.Oversized);
        var before = stats.Snapshot();

        stats.Rejected(RejectReason.Oversized);

        Assert.Equal(1, before.RejectedByReason["oversized"]);
        Assert.Equal(2, stats.Snapshot().RejectedByReason["oversized"]);
    }

    [Fact]
    public void Counting_from_many_threads_loses_nothing()
    {
        var stats = new IngestionStats();

        Parallel.For(0, 10_000, i =>
        {
            stats.MessageReceived();
            stats.Rejected((RejectReason)(i % Enum.GetValues<RejectReason>().Length));
        });

        var snapshot = stats.Snapshot();
        Assert.Equal(10_000, snapshot.MessagesReceived);
        Assert.Equal(10_000, snapshot.RejectedTotal);
        Assert.Equal(10_000, snapshot.RejectedByReason.Values.Sum());
    }
}
