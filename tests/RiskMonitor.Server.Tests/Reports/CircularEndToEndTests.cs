using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClosedXML.Excel;
using Npgsql;

namespace RiskMonitor.Server.Tests.Reports;

/// <summary>
/// The monthly circular on the real thing (issue 20 item 6): alerts raised, acknowledged, escalated and closed as a false
/// alarm on assets of three owner units in two districts; the .xlsx read back with ClosedXML matches a query of the
/// PostgreSQL ledger, and so does its chart of alerts per day; the PDF's owner lines read back by pdftotext carry the same
/// figures (and the PDF is rendered to PNG under the test results when pdftoppm is installed); the
/// printable page carries the same title; the shift handover lists the alerts not closed; the scheduler writes the
/// files of the periods that have ended.
/// </summary>
public sealed class CircularEndToEndTests : IAsyncLifetime
{
    /// <summary>Four gas pipelines of three owner units: the first two in district t-d1, the others in t-d2 (east of lon 120.6005).</summary>
    internal static readonly Dictionary<string, (string Owner, double Lon, string Industry, string Kind)> Assets = new()
    {
        ["gp-r-001"] = ("城东燃气有限公司", 120.101, "gas", "gas_pipeline"),
        ["gp-r-002"] = ("城东燃气有限公司", 120.102, "gas", "gas_pipeline"),
        ["gp-r-003"] = ("城西燃气有限公司", 120.701, "gas", "gas_pipeline"),
        ["gp-r-004"] = ("化工储运有限公司", 120.702, "hazardous_chemicals", "gas_pipeline"),
    };

    private readonly string _scheduled = Directory.CreateTempSubdirectory("riskmonitor-circulars-").FullName;
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OwnServer.StartAsync(
        new Dictionary<string, string?>
        {
            ["Escalation:AcknowledgeTimeouts:red"] = "00:00:03",
            ["Circulars:OutputDirectory"] = _scheduled,
        },
        TestContext.Current.CancellationToken, assetsGeoJson: Registry(), regionsGeoJson: TestCity.Regions());

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_scheduled, recursive: true);
    }

    [Fact]
    public async Task The_monthly_circular_in_xlsx_matches_the_ledger_and_comes_as_pdf_and_a_printable_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var ids = new Dictionary<string, string>();
        foreach (var asset in Assets.Keys)
        {
            ids[asset] = await RaiseRedAsync(_server, asset, ct);
        }

        // gp-r-001 acknowledged at once; gp-r-003 cleared and closed as a false alarm; the others left to escalate.
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.PostAsJsonAsync($"api/alerts/{ids["gp-r-001"]}/acknowledge", new { actor = "张值班" }, ct)).StatusCode);
        using (var mqtt = await _server.ConnectMqttAsync("circular-clear", ct))
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-r-003/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 0)), ct);
        }

        await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/alerts/{ids["gp-r-003"]}", ct), a => !a.GetProperty("conditionActive").GetBoolean(), TimeSpan.FromSeconds(20), ct);
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.PostAsJsonAsync($"api/alerts/{ids["gp-r-003"]}/resolve", new { actor = "张值班", note = "探头漂移", cause = "false_alarm" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.PostAsJsonAsync($"api/alerts/{ids["gp-r-003"]}/close", new { actor = "李主任", note = "现场核实" }, ct)).StatusCode);
        await ServerFixture.EventuallyAsync(
            () => _server.GetJsonAsync($"api/alerts/{ids["gp-r-004"]}/history", ct),
            h => h.EnumerateArray().Any(e => e.GetProperty("action").GetString() == "escalated"), TimeSpan.FromSeconds(60), ct);

        var day = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var xlsx = await _server.Http.GetAsync($"api/reports/circular?period=monthly&date={day}&format=xlsx", ct);
        var pdf = await _server.Http.GetAsync($"api/reports/circular?period=monthly&date={day}&format=pdf", ct);
        var page = await _server.Http.GetStringAsync($"api/reports/circular?period=monthly&date={day}&format=html", ct);
        var badPeriod = await _server.Http.GetAsync("api/reports/circular?period=yearly", ct);
        var handover = await _server.GetJsonAsync("api/reports/handover", ct);
        using var westOnly = TestIdentity.Client(_server.BaseUrl, "district.reader", ["viewer"], ["t-d2"]);
        var scoped = await westOnly.GetFromJsonAsync<JsonElement>($"api/reports/circular?period=monthly&date={day}", ct);
        var handoverPage = await _server.Http.GetStringAsync("api/reports/handover?format=html", ct);
        var month = Domain.Reports.Circular.PeriodOf(Domain.Reports.CircularPeriod.Monthly, DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture), TimeSpan.FromHours(8));
        var ledger = await LedgerByOwnerAsync(_server, month.From, month.To, ct);

        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var xlsxBytes = await xlsx.Content.ReadAsByteArrayAsync(ct);
        using var workbook = new XLWorkbook(new MemoryStream(xlsxBytes));
        var rows = RowsByOwner(workbook);
        Assert.Equal(ledger.OrderBy(l => l.Key, StringComparer.Ordinal), rows.OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.Equal(3, rows.Count);
        Assert.Equal(2, rows["城东燃气有限公司"].Alerts);
        Assert.Equal(1, rows["城西燃气有限公司"].FalseAlarms);
        var summary = workbook.Worksheet("概要");
        Assert.Equal(ledger.Values.Sum(l => l.Alerts), summary.Cell(6, 2).GetValue<int>());
        // The chart of alerts per day: every alert of the ledger today, no other day.
        var chart = XlsxChartReader.Single(xlsxBytes, "概要");
        var today = chart.Categories.IndexOf(day);
        Assert.Equal(ledger.Values.Sum(l => l.Alerts), chart.Values[today]);
        Assert.Equal(chart.Values[today], chart.Values.Sum());
        var byDistrict = workbook.Worksheet("按区县").RowsUsed().Skip(1).ToDictionary(r => r.Cell(1).GetString(), r => r.Cell(2).GetValue<int>());
        Assert.Equal(new Dictionary<string, int> { ["区域t-d1"] = 2, ["区域t-d2"] = 2 }, byDistrict);
        var byRegulator = workbook.Worksheet("按行业监管部门").RowsUsed().Skip(1).ToDictionary(r => r.Cell(1).GetString(), r => r.Cell(2).GetValue<int>());
        Assert.Equal(new Dictionary<string, int> { ["住房和城乡建设局（燃气）"] = 3, ["应急管理局（危险化学品）"] = 1 }, byRegulator);

        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var pdfBytes = await pdf.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal("%PDF-"u8.ToArray(), pdfBytes[..5]);
        await KeepForReadersAsync(pdfBytes, "circular-monthly", ct);
        // The PDF's owner-unit table, read back by pdftotext, has the ledger's figures on each owner's line (issue 20:
        // "a generated monthly report (PDF and .xlsx) whose figures match the ledger").
        var words = (await CircularPdfLayoutTests.WordsAsync(pdfBytes, ct)).SelectMany(p => p.Words).ToList();
        foreach (var (owner, figures) in ledger)
        {
            var name = Assert.Single(words, w => w.Text == owner);
            var line = words.Where(w => w.Page == name.Page && Math.Abs(w.YMin - name.YMin) < 2).OrderBy(w => w.XMin).Select(w => w.Text).ToList();
            Assert.Equal(
                new[] { figures.Alerts, figures.Acknowledged, figures.Overdue, figures.Closed, figures.FalseAlarms }.Select(n => n.ToString(CultureInfo.InvariantCulture)),
                new[] { line[1], line[4], line[6], line[7], line[8] });
        }

        Assert.Contains("安全风险监测月报（通报）", page, StringComparison.Ordinal);
        Assert.Contains("城东燃气有限公司", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badPeriod.StatusCode);

        // A district's account gets its district's circular: the two alerts east of lon 120.6005.
        Assert.Equal(2, scoped.GetProperty("total").GetProperty("alerts").GetInt32());
        Assert.Equal("区域t-d2", scoped.GetProperty("scope").GetString());

        // The handover lists what is not closed: all but the false alarm, the red ones first.
        Assert.Equal(
            new[] { ids["gp-r-001"], ids["gp-r-002"], ids["gp-r-004"] }.Order(StringComparer.Ordinal),
            handover.GetProperty("openAlerts").EnumerateArray().Select(a => a.GetProperty("alertId").GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains("交接班报告", handoverPage, StringComparison.Ordinal);
        Assert.Contains(ids["gp-r-004"], handoverPage, StringComparison.Ordinal);

        // The scheduler wrote the circular of each ended period (yesterday, last week, last month, last quarter) at start.
        var files = await ServerFixture.EventuallyAsync(
            () => Task.FromResult(Directory.GetFiles(_scheduled).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()),
            f => f.Count(n => n!.EndsWith(".pdf", StringComparison.Ordinal)) == 4, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(8, files.Count);
        Assert.Contains(files, f => f!.StartsWith("circular-quarterly-", StringComparison.Ordinal) && f.EndsWith(".xlsx", StringComparison.Ordinal));
    }

    /// <summary>The same figures straight from the ledger: per owner unit, the alerts raised in [from, to).</summary>
    internal static async Task<Dictionary<string, (int Alerts, int Acknowledged, int Overdue, int Closed, int FalseAlarms)>> LedgerByOwnerAsync(
        OwnServer server, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(server.Postgres.ConnectionString(ServerFixture.Database));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT a.asset_id,
                   EXISTS (SELECT 1 FROM alert_ledger l WHERE l.alert_id = a.alert_id AND l.action IN ('acknowledged', 'work_started')),
                   EXISTS (SELECT 1 FROM alert_ledger l WHERE l.alert_id = a.alert_id AND l.action = 'escalated'),
                   a.closed_at IS NOT NULL,
                   a.closed_at IS NOT NULL AND a.cause = 'false_alarm'
            FROM alerts a
            WHERE a.raised_at >= @from AND a.raised_at < @to
            """, connection);
        command.Parameters.AddWithValue("from", from.ToUniversalTime());
        command.Parameters.AddWithValue("to", to.ToUniversalTime());
        var result = new Dictionary<string, (int, int, int, int, int)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var owner = Assets[reader.GetString(0)].Owner;
            var (alerts, acknowledged, overdue, closed, falseAlarms) = result.GetValueOrDefault(owner);
            result[owner] = (alerts + 1, acknowledged + (reader.GetBoolean(1) ? 1 : 0), overdue + (reader.GetBoolean(2) ? 1 : 0),
                closed + (reader.GetBoolean(3) ? 1 : 0), falseAlarms + (reader.GetBoolean(4) ? 1 : 0));
        }

        return result;
    }

    /// <summary>Saves the PDF (and a PNG of its first page, when poppler-utils is installed) under the test results.</summary>
    internal static async Task KeepForReadersAsync(byte[] pdf, string name, CancellationToken ct)
    {
        var directory = Path.Combine(Environment.GetEnvironmentVariable("RM_TEST_RESULTS") ?? Path.Combine(AppContext.BaseDirectory, "TestResults"), "reports");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".pdf");
        await File.WriteAllBytesAsync(path, pdf, ct);
        if (File.Exists("/usr/bin/pdftoppm"))
        {
            using var render = Process.Start(new ProcessStartInfo("/usr/bin/pdftoppm", ["-png", "-r", "80", path, Path.Combine(directory, name)]))!;
            await render.WaitForExitAsync(ct);
            Assert.Equal(0, render.ExitCode);
        }
    }

    /// <summary>The rows of an .xlsx ranking sheet by owner unit, in the columns the ledger query gives.</summary>
    internal static Dictionary<string, (int Alerts, int Acknowledged, int Overdue, int Closed, int FalseAlarms)> RowsByOwner(XLWorkbook workbook) =>
        workbook.Worksheet("按权属单位").RowsUsed().Skip(1).ToDictionary(
            r => r.Cell(1).GetString(),
            r => (Alerts: r.Cell(2).GetValue<int>(), Acknowledged: r.Cell(5).GetValue<int>(), Overdue: r.Cell(7).GetValue<int>(), Closed: r.Cell(8).GetValue<int>(), FalseAlarms: r.Cell(9).GetValue<int>()));

    internal static async Task<string> RaiseRedAsync(OwnServer server, string asset, CancellationToken ct)
    {
        using (var mqtt = await server.ConnectMqttAsync("circular-" + asset, ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        }

        var alerts = await ServerFixture.EventuallyAsync(() => server.GetJsonAsync($"api/alerts?assetId={asset}", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(20), ct);
        return alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
    }

    internal static string Registry() => JsonSerializer.Serialize(new
    {
        type = "FeatureCollection",
        features = Assets.Select(a => new
        {
            type = "Feature",
            geometry = new { type = "LineString", coordinates = new[] { new[] { a.Value.Lon, 30.20 }, new[] { a.Value.Lon, 30.21 } } },
            properties = new
            {
                id = a.Key,
                kind = a.Value.Kind,
                name = "管段" + a.Key,
                industry = a.Value.Industry,
                inherentLevel = "blue",
                ownerUnit = a.Value.Owner,
                reportingIntervalSeconds = 60,
            },
        }),
    });
}
