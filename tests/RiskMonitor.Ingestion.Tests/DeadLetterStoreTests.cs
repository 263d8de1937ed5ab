using System.Buffers;
using System.Text;
using Microsoft.Extensions.Options;

namespace RiskMonitor.Ingestion.Tests;

public sealed class DeadLetterStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_dead_letter_keeps_the_raw_payload_bytes_and_its_context()
    {
        var store = Store();
        byte[] payload = [0x7B, 0xFF, 0x00, 0xC3, 0x28, 0x7D];

        store.Add("rm/v1/gas-pipe-0042/telemetry", "gw-7", Payloads.Of(payload), RejectReason.InvalidJson, "bad bytes", T0);

        var letter = Assert.Single(store.Newest(10));
        Assert.Equal(payload, letter.Payload);
        Assert.Equal("rm/v1/gas-pipe-0042/telemetry", letter.Topic);
        Assert.Equal("gw-7", letter.ClientId);
        Assert.Equal(RejectReason.InvalidJson, letter.Reason);
        Assert.Equal("bad bytes", letter.Detail);
        Assert.Equal(T0, letter.ReceivedAt);
    }

    [Fact]
    public void A_payload_that_is_not_utf8_has_no_text_but_round_trips_as_base64()
    {
        var store = Store();
        byte[] payload = [0xFF, 0xFE, 0x41];

        store.Add("t", null, Payloads.Of(payload), RejectReason.InvalidJson, "", T0);

        var letter = Assert.Single(store.Newest(1));
        Assert.Null(letter.PayloadText);
        Assert.Equal(payload, Convert.FromBase64String(letter.PayloadBase64));
        Assert.Null(letter.ClientId);
    }

    [Fact]
    public void A_utf8_payload_is_also_shown_as_text()
    {
        var store = Store();

        store.Add("t", "c", Payloads.Of("{\"values\":{\"温度\":1}}"), RejectReason.InvalidMetricName, "", T0);

        Assert.Equal("{\"values\":{\"温度\":1}}", Assert.Single(store.Newest(1)).PayloadText);
    }

    [Fact]
    public void A_payload_in_several_segments_is_kept_whole()
    {
        var store = Store();

        store.Add("t", "c", Payloads.SplitAtMarkers("{\"val|ues\":|{}}"), RejectReason.MissingValues, "", T0);

        Assert.Equal(Encoding.UTF8.GetBytes("{\"values\":{}}"), Assert.Single(store.Newest(1)).Payload);
    }

    [Fact]
    public void The_payload_is_copied_so_later_buffer_reuse_does_not_change_it()
    {
        var store = Store();
        var buffer = Encoding.UTF8.GetBytes("garbage");

        store.Add("t", "c", new ReadOnlySequence<byte>(buffer), RejectReason.InvalidJson, "", T0);
        Array.Fill(buffer, (byte)'x');

        Assert.Equal("garbage", Assert.Single(store.Newest(1)).PayloadText);
    }

    [Fact]
    public void Letters_are_listed_newest_first_with_rising_sequence_numbers()
    {
        var store = Store();

        for (var i = 0; i < 5; i++)
        {
            store.Add($"topic-{i}", "c", Payloads.Of($"p{i}"), RejectReason.InvalidJson, "", T0.AddSeconds(i));
        }

        var letters = store.Newest(10);
        Assert.Equal(["topic-4", "topic-3", "topic-2", "topic-1", "topic-0"], letters.Select(l => l.Topic));
        Assert.Equal([5L, 4L, 3L, 2L, 1L], letters.Select(l => l.Sequence));
    }

    [Fact]
    public void The_limit_caps_how_many_letters_are_listed()
    {
        var store = Store();
        for (var i = 0; i < 5; i++)
        {
            store.Add($"topic-{i}", "c", Payloads.Of("x"), RejectReason.InvalidJson, "", T0);
        }

        var letters = store.Newest(2);

        Assert.Equal(["topic-4", "topic-3"], letters.Select(l => l.Topic));
        Assert.Empty(store.Newest(0));
    }

    [Fact]
    public void The_oldest_letters_are_evicted_past_the_count_capacity()
    {
        var store = Store(capacity: 3);

        for (var i = 0; i < 5; i++)
        {
            store.Add($"topic-{i}", "c", Payloads.Of("x"), RejectReason.InvalidJson, "", T0);
        }

        Assert.Equal(3, store.Count);
        Assert.Equal(2, store.Evicted);
        Assert.Equal(["topic-4", "topic-3", "topic-2"], store.Newest(10).Select(l => l.Topic));
    }

    [Fact]
    public void The_oldest_letters_are_evicted_past_the_byte_budget()
    {
        var store = Store(maxBytes: 100);

        for (var i = 0; i < 4; i++)
        {
            store.Add($"topic-{i}", "c", Payloads.Of(new string((char)('a' + i), 40)), RejectReason.Oversized, "", T0);
        }

        Assert.Equal(2, store.Count);
        Assert.Equal(2, store.Evicted);
        Assert.Equal(["topic-3", "topic-2"], store.Newest(10).Select(l => l.Topic));
    }

    [Fact]
    public void One_large_letter_evicts_as_many_small_ones_as_it_needs()
    {
        var store = Store(maxBytes: 100);
        for (var i = 0; i < 10; i++)
        {
            store.Add($"small-{i}", "c", Payloads.Of(new string('s', 10)), RejectReason.InvalidJson, "", T0);
        }

        store.Add("large", "c", Payloads.Of(new string('L', 75)), RejectReason.InvalidJson, "", T0);

        Assert.Equal(["large", "small-9", "small-8"], store.Newest(100).Select(l => l.Topic));
        Assert.Equal(8, store.Evicted);
    }

    [Fact]
    public void A_payload_larger_than_the_byte_budget_is_kept_cut_to_the_budget()
    {
        var store = Store(maxBytes: 16);
        store.Add("old", "c", Payloads.Of("x"), RejectReason.InvalidJson, "", T0);

        store.Add("huge", "c", Payloads.Of(new string('h', 1000)), RejectReason.Oversized, "", T0);

        var letter = Assert.Single(store.Newest(10));
        Assert.Equal("huge", letter.Topic);
        Assert.Equal(new string('h', 16), letter.PayloadText);
    }

    [Fact]
    public void Letters_can_be_filtered_by_reason_newest_first()
    {
        var store = Store();
        store.Add("a", "c", Payloads.Of("1"), RejectReason.InvalidJson, "", T0);
        store.Add("b", "c", Payloads.Of("2"), RejectReason.UnknownAsset, "", T0);
        store.Add("c", "c", Payloads.Of("3"), RejectReason.InvalidJson, "", T0);
        store.Add("d", "c", Payloads.Of("4"), RejectReason.WrongType, "", T0);
        store.Add("e", "c", Payloads.Of("5"), RejectReason.InvalidJson, "", T0);

        var invalidJson = store.Newest(10, RejectReason.InvalidJson);
        var firstTwo = store.Newest(2, RejectReason.InvalidJson);
        var none = store.Newest(10, RejectReason.Oversized);

        Assert.Equal(["e", "c", "a"], invalidJson.Select(l => l.Topic));
        Assert.Equal(["e", "c"], firstTwo.Select(l => l.Topic));
        Assert.Empty(none);
    }

    [Fact]
    public void Adding_from_many_threads_keeps_the_bounds()
    {
        var store = Store(capacity: 50, maxBytes: 2048);

        Parallel.For(0, 2_000, i => store.Add($"t{i}", "c", Payloads.Of(new string('p', i % 100)), RejectReason.InvalidJson, "", T0));

        var letters = store.Newest(int.MaxValue);
        Assert.True(letters.Count <= 50);
        Assert.True(letters.Sum(l => l.Payload.Length) <= 2048);
        Assert.Equal(2_000, store.Evicted + store.Count);
        Assert.Equal(letters.Select(l => l.Sequence).OrderDescending(), letters.Select(l => l.Sequence));
    }

    private static DeadLetterStore Store(int capacity = 1000, long maxBytes = 16L * 1024 * 1024) =>
        new(Options.Create(new MqttIngestionOptions { DeadLetterCapacity = capacity, DeadLetterMaxBytes = maxBytes }));
}
