using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace RiskMonitor.Server.Tests.Kpis;

/// <summary>
/// GET /api/kpis/hourly (issue 23, decision 0044) against a direct query of the PostgreSQL ledger: a live alert raised
/// over MQTT and acknowledged over REST, plus 6,000 alerts of the last day written straight into the ledger (more than
/// the 5,000 closed alerts the wall used to count in the browser), for a city-wide and a district-scoped reader.
/// </summary>
public sealed class HourlyKpiEndToEndTests : IAsyncLifetime
{
    private const int HistoryAlerts = 6_000;
    private static readonly string[] Levels = ["red", "orange", "yellow", "blue"];

    private OwnServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OwnServer.StartAsync(
        new Dictionary<string, string?>(), TestContext.Current.CancellationToken, assetsGeoJson: Registry(), regionsGeoJson: TestCity.Regions());

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Hourly_counts_and_times_to_acknowledge_match_the_ledger_for_the_city_and_for_a_district()
    {
        var ct = TestContext.Current.CancellationToken;
        var live = await RaiseRedAsync("gp-h-001", ct);
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.PostAsJsonAsync($"api/alerts/{live}/acknowledge", new { actor = "张值班" }, ct)).StatusCode);
        await WriteHistoryAsync(ct);
        // The acknowledgement reaches PostgreSQL through the alert journal's group commit: wait for it, not for a time.
        await ServerFixture.EventuallyAsync(() => ScalarAsync<long>($"SELECT count(*) FROM alert_ledger WHERE alert_id = '{live}' AND action = 'acknowledged'", ct),
            n => n == 1, TimeSpan.FromSeconds(20), ct);

        var city = await _server.GetJsonAsync("api/kpis/hourly", ct);
        using var district = TestIdentity.Client(_server.BaseUrl, "district.reader", ["viewer"], ["t-d1"]);
        var scoped = await district.GetFromJsonAsync<JsonElement>("api/kpis/hourly", ct);
        using var cityWideOnly = await district.GetAsync("api/kpis", ct);
        using var badOffset = await _server.Http.GetAsync("api/kpis/hourly?utcOffset=8", ct);

        Assert.True(city.GetProperty("cityWide").GetBoolean());
        Assert.False(scoped.GetProperty("cityWide").GetBoolean());
        Assert.Equal("+08:00", city.GetProperty("utcOffset").GetString());
        foreach (var (answer, asset) in new[] { (city, (string?)null), (scoped, "gp-h-001") })
        {
            var hours = answer.GetProperty("perHour").EnumerateArray().ToList();
            Assert.Equal(24, hours.Count);
            var first = hours[0].GetProperty("hour").GetDateTimeOffset();
            var ledger = await HourlyFromLedgerAsync(first, asset, ct);
            for (var h = 0; h < 24; h++)
            {
                Assert.Equal(first.AddHours(h), hours[h].GetProperty("hour").GetDateTimeOffset());
                foreach (var level in Levels)
                {
                    Assert.Equal(ledger.GetValueOrDefault((h, level)), hours[h].GetProperty(level).GetInt32());
                }
            }

            var todayFrom = answer.GetProperty("todayFrom").GetDateTimeOffset();
            var weekFrom = answer.GetProperty("weekFrom").GetDateTimeOffset();
            Assert.Equal(TimeSpan.FromDays(6), todayFrom - weekFrom);
            AssertSameDuration(await AcknowledgeFromLedgerAsync(todayFrom, 1, asset, ct), answer.GetProperty("acknowledgeToday"));
            AssertSameDuration(await AcknowledgeFromLedgerAsync(weekFrom, 7, asset, ct), answer.GetProperty("acknowledgeWeek"));
        }

        // Exact at any volume: the history alone is above the 5,000 the browser-side count stopped at.
        Assert.True(city.GetProperty("perHour").EnumerateArray().Sum(h => h.GetProperty("total").GetInt32()) > 5_000);
        Assert.True(scoped.GetProperty("perHour").EnumerateArray().Sum(h => h.GetProperty("total").GetInt32()) < HistoryAlerts / 2 + 2);
        Assert.True(city.GetProperty("acknowledgeToday").GetProperty("count").GetInt32() >= 1);
        Assert.Equal(HttpStatusCode.Forbidden, cityWideOnly.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badOffset.StatusCode);
        Assert.Equal("application/problem+json", badOffset.Content.Headers.ContentType?.MediaType);
    }

    private static void AssertSameDuration((long Count, double? Median, double? P90) ledger, JsonElement answer)
    {
        Assert.Equal(ledger.Count, answer.GetProperty("count").GetInt32());
        Assert.Equal(ledger.Median is null, answer.GetProperty("medianSeconds").ValueKind == JsonValueKind.Null);
        if (ledger.Median is { } median)
        {
            Assert.Equal(median, answer.GetProperty("medianSeconds").GetDouble(), 0.01);
            Assert.Equal(ledger.P90!.Value, answer.GetProperty("p90Seconds").GetDouble(), 0.01);
        }
    }

    /// <summary>
    /// 6,000 closed alerts, one every 14 s back from now (about 23 h), both assets and all four levels in turn; every
    /// third acknowledged 5 s to 6 min after it was raised. Written as the store writes them, without the alert JSON
    /// nobody reads here.
    /// </summary>
    private async Task WriteHistoryAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_server.Postgres.ConnectionString(ServerFixture.Database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            INSERT INTO alerts (alert_id, asset_id, rule_id, region_id, kind, industry, severity, severity_rank, state,
                                condition_active, raised_at, updated_at, closed_at, version, alert)
            SELECT 'hist-' || i, CASE WHEN i % 2 = 0 THEN 'gp-h-001' ELSE 'gp-h-002' END, 'ch4_lel.high',
                   CASE WHEN i % 2 = 0 THEN 't-g1' ELSE 't-g3' END, 'gas_pipeline', 'gas',
                   (ARRAY['blue', 'yellow', 'orange', 'red'])[1 + i % 4], 1 + i % 4, 'closed', false,
                   now() - i * interval '14 seconds', now(), now(), 2, '{}'::jsonb
            FROM generate_series(1, @n) i;
            INSERT INTO alert_ledger (alert_id, seq, at, action, actor, state_before, state_after, alert_after)
            SELECT 'hist-' || i, 1, now() - i * interval '14 seconds' + (i % 7) * interval '1 minute' + interval '5 seconds',
                   'acknowledged', 'history', 'open', 'acknowledged', '{}'::jsonb
            FROM generate_series(1, @n) i WHERE i % 3 = 0;
            """, connection);
        command.Parameters.AddWithValue("n", HistoryAlerts);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<Dictionary<(int Hour, string Level), int>> HourlyFromLedgerAsync(DateTimeOffset first, string? asset, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_server.Postgres.ConnectionString(ServerFixture.Database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT floor(extract(epoch FROM a.raised_at - @first) / 3600)::int, a.severity, count(*)::int
            FROM alerts a
            WHERE a.raised_at >= @first AND a.raised_at < @first + interval '24 hours' AND (@asset::text IS NULL OR a.asset_id = @asset)
            GROUP BY 1, 2
            """, connection);
        command.Parameters.AddWithValue("first", first.ToUniversalTime());
        command.Parameters.Add(new NpgsqlParameter("asset", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)asset ?? DBNull.Value });
        var counts = new Dictionary<(int, string), int>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[(reader.GetInt32(0), reader.GetString(1))] = reader.GetInt32(2);
        }

        return counts;
    }

    /// <summary>Count, median and 90th percentile (linear between ranks) of the first acknowledgement of alerts raised in the <paramref name="days"/> from <paramref name="from"/>.</summary>
    private async Task<(long Count, double? Median, double? P90)> AcknowledgeFromLedgerAsync(DateTimeOffset from, int days, string? asset, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_server.Postgres.ConnectionString(ServerFixture.Database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds), percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds)
            FROM (SELECT extract(epoch FROM (SELECT min(l.at) FROM alert_ledger l
                                             WHERE l.alert_id = a.alert_id AND l.action IN ('acknowledged', 'work_started')) - a.raised_at)::float8 AS seconds
                  FROM alerts a
                  WHERE a.raised_at >= @from AND a.raised_at < @from + interval '1 day' * @days
                    AND (@asset::text IS NULL OR a.asset_id = @asset)) acknowledged
            WHERE seconds IS NOT NULL
            """, connection);
        command.Parameters.AddWithValue("from", from.ToUniversalTime());
        command.Parameters.AddWithValue("days", days);
        command.Parameters.Add(new NpgsqlParameter("asset", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)asset ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetDouble(1), reader.IsDBNull(2) ? null : reader.GetDouble(2));
    }

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_server.Postgres.ConnectionString(ServerFixture.Database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<string> RaiseRedAsync(string asset, CancellationToken ct)
    {
        using (var mqtt = await _server.ConnectMqttAsync("hourly-" + asset, ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        }

        var alerts = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/alerts?assetId={asset}", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(10), ct);
        return alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
    }

    /// <summary>Two pipelines: gp-h-001 in grid t-g1 of district t-d1, gp-h-002 in t-g3 of t-d2 (<see cref="TestCity.Regions"/>).</summary>
    private static string Registry() => JsonSerializer.Serialize(new
    {
        type = "FeatureCollection",
        features = new[] { ("gp-h-001", 120.101), ("gp-h-002", 120.701) }.Select(a => new
        {
            type = "Feature",
            geometry = new { type = "LineString", coordinates = new[] { new[] { a.Item2, 30.20 }, new[] { a.Item2, 30.21 } } },
            properties = new
            {
                id = a.Item1,
                kind = "gas_pipeline",
                name = "管段" + a.Item1,
                industry = "gas",
                inherentLevel = "blue",
                reportingIntervalSeconds = 60,
            },
        }),
    });
}
