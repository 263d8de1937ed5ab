using System.Text;
using RiskMonitor.Ingestion.Parsing;

namespace RiskMonitor.Ingestion.Tests.Parsing;

public sealed class MetricNameCacheTests
{
    [Fact]
    public void A_repeated_name_is_the_same_string_instance()
    {
        var cache = new MetricNameCache();

        var first = cache.Get("ch4_lel"u8);
        var second = cache.Get(Encoding.ASCII.GetBytes("ch4_lel"));

        Assert.Equal("ch4_lel", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Different_names_are_different_strings()
    {
        var cache = new MetricNameCache();

        var lower = cache.Get("lel"u8);
        var upper = cache.Get("LEL"u8);

        Assert.Equal("lel", lower);
        Assert.Equal("LEL", upper);
    }

    [Fact]
    public void Past_capacity_names_are_no_longer_cached_but_still_correct()
    {
        var cache = new MetricNameCache(capacity: 2);
        var a = cache.Get("a"u8);
        var b = cache.Get("b"u8);

        var c1 = cache.Get("c"u8);
        var c2 = cache.Get("c"u8);

        Assert.Equal("c", c1);
        Assert.Equal("c", c2);
        Assert.NotSame(c1, c2);
        Assert.Same(a, cache.Get("a"u8));
        Assert.Same(b, cache.Get("b"u8));
    }

    [Fact]
    public void Many_distinct_names_past_capacity_all_come_back_correct()
    {
        var cache = new MetricNameCache(capacity: 16);
        var names = Enumerable.Range(0, 1000).Select(i => $"m{i}").ToArray();

        var first = names.Select(n => cache.Get(Encoding.ASCII.GetBytes(n))).ToArray();
        var second = names.Select(n => cache.Get(Encoding.ASCII.GetBytes(n))).ToArray();

        Assert.Equal(names, first);
        Assert.Equal(names, second);
        Assert.Equal(16, Enumerable.Range(0, names.Length).Count(i => ReferenceEquals(first[i], second[i])));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ch4 lel")]
    [InlineData("ch4/lel")]
    [InlineData("温度")]
    [InlineData("é")]
    [InlineData("a\u0000")]
    public void A_name_outside_the_allowed_characters_is_null(string name)
    {
        var cache = new MetricNameCache();

        Assert.Null(cache.Get(Encoding.UTF8.GetBytes(name)));
    }

    [Fact]
    public void A_name_longer_than_64_bytes_is_null_and_64_bytes_is_kept()
    {
        var cache = new MetricNameCache();

        var tooLong = cache.Get(Encoding.ASCII.GetBytes(new string('n', 65)));
        var longest = cache.Get(Encoding.ASCII.GetBytes(new string('n', 64)));

        Assert.Null(tooLong);
        Assert.Equal(new string('n', 64), longest);
    }

    [Fact]
    public void Invalid_bytes_above_ascii_are_refused_rather_than_truncated()
    {
        var cache = new MetricNameCache();

        // 0xE1 as a char is 'á'; a byte-to-char cast must not let it pass as a letter.
        var name = cache.Get([(byte)'a', 0xE1]);

        Assert.Null(name);
    }

    [Fact]
    public void Concurrent_lookups_of_one_name_agree_on_one_instance()
    {
        var cache = new MetricNameCache();
        var seen = new string?[64];

        Parallel.For(0, seen.Length, i => seen[i] = cache.Get("pressure_kpa"u8));

        Assert.All(seen, s => Assert.Same(seen[0], s));
    }
}
