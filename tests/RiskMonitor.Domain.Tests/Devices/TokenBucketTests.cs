using RiskMonitor.Domain.Devices;

namespace RiskMonitor.Domain.Tests.Devices;

public sealed class TokenBucketTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_full_bucket_lets_a_burst_through_and_then_refuses()
    {
        var bucket = new TokenBucket(ratePerSecond: 10, capacity: 5, T0);

        var taken = Enumerable.Range(0, 8).Count(_ => bucket.TryTake(T0));

        Assert.Equal(5, taken);
    }

    [Fact]
    public void Tokens_come_back_at_the_rate()
    {
        var bucket = new TokenBucket(ratePerSecond: 10, capacity: 5, T0);
        while (bucket.TryTake(T0))
        {
        }

        Assert.False(bucket.TryTake(T0.AddMilliseconds(50)));
        Assert.True(bucket.TryTake(T0.AddMilliseconds(100)));
        Assert.False(bucket.TryTake(T0.AddMilliseconds(150)));
        Assert.Equal(3, bucket.Available(T0.AddMilliseconds(400)), precision: 6);
    }

    [Fact]
    public void Refill_stops_at_the_capacity()
    {
        var bucket = new TokenBucket(ratePerSecond: 100, capacity: 3, T0);
        bucket.TryTake(T0);

        Assert.Equal(3, bucket.Available(T0.AddHours(1)));
    }

    [Fact]
    public void A_sustained_sender_gets_exactly_the_rate_over_time()
    {
        var bucket = new TokenBucket(ratePerSecond: 50, capacity: 10, T0);
        var accepted = 0;

        // 200 messages a second for 10 seconds, against a limit of 50 a second.
        for (var i = 0; i < 2000; i++)
        {
            if (bucket.TryTake(T0.AddMilliseconds(i * 5)))
            {
                accepted++;
            }
        }

        Assert.InRange(accepted, 500, 511); // 10 s x 50/s, plus the first burst of 10
    }

    [Fact]
    public void A_clock_that_steps_back_neither_refills_nor_breaks_the_bucket()
    {
        var bucket = new TokenBucket(ratePerSecond: 1, capacity: 2, T0);
        bucket.TryTake(T0);
        bucket.TryTake(T0);

        Assert.False(bucket.TryTake(T0.AddSeconds(-30)));
        Assert.True(bucket.TryTake(T0.AddSeconds(1)));
    }
}
