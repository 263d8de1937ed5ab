using ClosedXML.Excel;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Reports.Circulars;
using C = DocumentFormat.OpenXml.Drawing.Charts;

namespace RiskMonitor.Server.Tests.Reports;

/// <summary>The circular's .xlsx carries a native chart of the alerts per day (decision 0048); no server needed.</summary>
public sealed class CircularXlsxChartTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    [Fact]
    public void The_summary_sheet_has_a_column_chart_of_the_alerts_per_day_whose_series_is_the_reports_figures_and_cells()
    {
        var (from, to) = Circular.PeriodOf(CircularPeriod.Weekly, new DateOnly(2026, 12, 9), Cst);
        CircularAlert[] alerts =
        [
            Alert("a1", from.AddHours(2)), Alert("a2", from.AddHours(3)), Alert("a3", from.AddDays(2)),
            Alert("a4", from.AddDays(6).AddHours(23)),
        ];
        var report = Circular.Compute(CircularPeriod.Weekly, from, to, Cst, "全市", alerts, [], []);

        var bytes = CircularXlsx.Write(report, Circular.Title(CircularPeriod.Weekly, from, Cst), Cst);

        var chart = XlsxChartReader.Single(bytes, CircularXlsx.SummarySheet);
        Assert.Empty(XlsxChartReader.SchemaErrorsOfTheChart(bytes));
        Assert.Equal(CircularXlsx.DayChartTitle, chart.Title);
        Assert.Equal([2.0, 0, 1, 0, 0, 0, 1], chart.Values);
        Assert.Equal(report.Kpis.PerDay.Select(d => (double)d.Total), chart.Values);
        Assert.Equal(["2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11", "2026-12-12", "2026-12-13"], chart.Categories);
        Assert.Equal("'概要'!$B$9:$B$15", chart.ValueFormula);
        Assert.Equal("'概要'!$A$9:$A$15", chart.CategoryFormula);

        // The series names the cells that hold the same figures, and the workbook still opens with ClosedXML.
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        var summary = workbook.Worksheet(CircularXlsx.SummarySheet);
        Assert.Equal(chart.Values, Enumerable.Range(9, 7).Select(r => summary.Cell(r, 2).GetValue<double>()));
        Assert.Equal(chart.Categories, Enumerable.Range(9, 7).Select(r => summary.Cell(r, 1).GetDateTime().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static CircularAlert Alert(string id, DateTimeOffset raised) =>
        new(new AlertFacts(id, WarningLevel.Red, raised, null, null, null, 0), "城东燃气", "住建局", "东区", null);
}

/// <summary>Reads the one chart of a sheet back from the .xlsx's parts: its title, its series' formulas and cached points.</summary>
internal static class XlsxChartReader
{
    public sealed record ChartSeen(string Title, string CategoryFormula, string ValueFormula, List<string> Categories, List<double> Values);

    /// <summary>
    /// What the Open XML SDK's schema validator finds wrong in the chart, its drawing and the sheet element that points at
    /// them (Excel refuses a file with an element out of order); what ClosedXML wrote elsewhere is not this test's.
    /// </summary>
    public static List<string> SchemaErrorsOfTheChart(byte[] xlsx)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        return [.. new OpenXmlValidator(FileFormatVersions.Office2010).Validate(document)
            .Where(e => e.Part is ChartPart or DrawingsPart || e.Node is Drawing || e.Path?.XPath?.Contains("drawing", StringComparison.OrdinalIgnoreCase) == true)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}")];
    }

    public static ChartSeen Single(byte[] xlsx, string sheetName)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Descendants<Sheet>().Single(s => s.Name == sheetName);
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
        Assert.NotNull(part.Worksheet.GetFirstChild<Drawing>());
        var chart = Assert.Single(part.DrawingsPart!.ChartParts).ChartSpace;
        var series = Assert.Single(chart.Descendants<C.BarChartSeries>());
        var categories = series.GetFirstChild<C.CategoryAxisData>()!.StringReference!;
        var values = series.GetFirstChild<C.Values>()!.NumberReference!;
        return new(
            string.Concat(chart.Descendants<C.Title>().Single().Descendants<DocumentFormat.OpenXml.Drawing.Text>().Select(t => t.Text)),
            categories.Formula!.Text,
            values.Formula!.Text,
            [.. categories.StringCache!.Elements<C.StringPoint>().OrderBy(p => p.Index!.Value).Select(p => p.NumericValue!.Text)],
            [.. values.NumberingCache!.Elements<C.NumericPoint>().OrderBy(p => p.Index!.Value)
                .Select(p => double.Parse(p.NumericValue!.Text, System.Globalization.CultureInfo.InvariantCulture))]);
    }
}
