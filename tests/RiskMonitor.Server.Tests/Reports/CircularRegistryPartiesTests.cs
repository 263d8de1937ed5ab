using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClosedXML.Excel;

namespace RiskMonitor.Server.Tests.Reports;

/// <summary>
/// The circular ranks by the organisation registry (decision 0061), on the real thing: an asset whose GeoJSON names no
/// owner unit is given one over the registry API (<c>PUT /api/assets/{id}/parties</c>), an alert is raised on it, and the
/// monthly circular's .xlsx and printable page rank it under that organisation (name and registry id), not 未登记; an
/// asset the registry says nothing of still ranks under its free text; both rank under the city's registered gas
/// regulator; a renamed organisation is one line under its new name.
/// </summary>
public sealed class CircularRegistryPartiesTests : IAsyncLifetime
{
    private const string Registered = "gp-o-001";
    private const string FreeText = "gp-o-002";
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OwnServer.StartAsync(
        new Dictionary<string, string?>(), TestContext.Current.CancellationToken, assetsGeoJson: Registry(), regionsGeoJson: TestCity.Regions());

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task An_asset_given_its_owner_unit_over_the_registry_api_ranks_under_that_organisation()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.Created, (await _server.Http.PostAsJsonAsync("api/organisations", new { id = "ou-bj", name = "滨江燃气集团有限公司", kind = "owner_unit" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _server.Http.PostAsJsonAsync(
            "api/organisations", new { id = "reg-gas", name = "演示市住房和城乡建设局（燃气管理处）", kind = "regulator", industry = "gas" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.PutAsJsonAsync($"api/assets/{Registered}/parties", new { ownerUnitId = "ou-bj", regulatorId = "reg-gas" }, ct)).StatusCode);

        await CircularEndToEndTests.RaiseRedAsync(_server, Registered, ct);
        await CircularEndToEndTests.RaiseRedAsync(_server, FreeText, ct);
        var day = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var workbook = await WorkbookAsync(day, ct);
        var page = await _server.Http.GetStringAsync($"api/reports/circular?period=monthly&date={day}&format=html", ct);

        // The registry's owner unit by name and id; the free text where the registry says nothing; nothing unregistered.
        Assert.Equal(
            new Dictionary<string, (int, string)> { ["滨江燃气集团有限公司"] = (1, "ou-bj"), ["城西燃气有限公司"] = (1, "") },
            Lines(workbook, "按权属单位"));
        Assert.Equal(new Dictionary<string, (int, string)> { ["演示市住房和城乡建设局（燃气管理处）"] = (2, "reg-gas") }, Lines(workbook, "按行业监管部门"));
        Assert.Equal("登记编号", workbook.Worksheet("按权属单位").Cell(1, 13).GetString());
        Assert.Contains("<tr data-organisation=\"ou-bj\"><td title=\"登记编号 ou-bj\">滨江燃气集团有限公司</td><td>1</td>", page, StringComparison.Ordinal);
        var owners = page[page.IndexOf("按权属单位排名", StringComparison.Ordinal)..];
        Assert.DoesNotContain(Domain.Reports.Circular.Unregistered, owners[..owners.IndexOf("</table>", StringComparison.Ordinal)], StringComparison.Ordinal);

        // A change of name in the registry is the next circular's: one line, same id, the new name.
        var version = (await _server.GetJsonAsync("api/organisations/ou-bj", ct)).GetProperty("version").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.PutAsJsonAsync("api/organisations/ou-bj", new { name = "滨江城市燃气有限公司", kind = "owner_unit", version }, ct)).StatusCode);
        using var renamed = await WorkbookAsync(day, ct);
        Assert.Equal(
            new Dictionary<string, (int, string)> { ["滨江城市燃气有限公司"] = (1, "ou-bj"), ["城西燃气有限公司"] = (1, "") },
            Lines(renamed, "按权属单位"));
    }

    private async Task<XLWorkbook> WorkbookAsync(string day, CancellationToken ct)
    {
        var response = await _server.Http.GetAsync($"api/reports/circular?period=monthly&date={day}&format=xlsx", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync(ct)));
    }

    /// <summary>A ranking sheet's lines: name -> (alerts, registry id or empty).</summary>
    private static Dictionary<string, (int Alerts, string Id)> Lines(XLWorkbook workbook, string sheet)
    {
        var ranking = workbook.Worksheet(sheet);
        return ranking.RowsUsed().Skip(1).ToDictionary(r => r.Cell(1).GetString(), r => (r.Cell(2).GetValue<int>(), r.Cell(13).GetString()));
    }

    /// <summary>Two gas pipelines, one in each district of <see cref="TestCity.Regions"/>: the first names no owner unit, the second names one in free text only.</summary>
    private static string Registry() => JsonSerializer.Serialize(new
    {
        type = "FeatureCollection",
        features = new[] { (Registered, 120.101, (string?)null), (FreeText, 120.701, "城西燃气有限公司") }.Select(a => new
        {
            type = "Feature",
            geometry = new { type = "LineString", coordinates = new[] { new[] { a.Item2, 30.20 }, new[] { a.Item2, 30.21 } } },
            properties = new Dictionary<string, object?>
            {
                ["id"] = a.Item1,
                ["kind"] = "gas_pipeline",
                ["name"] = "管段" + a.Item1,
                ["industry"] = "gas",
                ["inherentLevel"] = "blue",
                ["ownerUnit"] = a.Item3,
                ["reportingIntervalSeconds"] = 60,
            },
        }),
    });
}
