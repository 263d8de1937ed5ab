using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Alerts;
using RiskMonitor.Domain.Reports;
using RiskMonitor.Server.Reports.Circulars;

namespace RiskMonitor.Server.Tests.Reports;

/// <summary>
/// The circular's PDF layout (decision 0061): whatever the number of lines, no heading ends a page, nothing is drawn
/// outside the margins (the chart's scale and its first and last date included), no two column headers or cells of a
/// line run together (a long name is cut), and no two texts overlap (a bar's count and the heading above the chart). Checked on the writer's own record of what it drew, and on the words
/// <c>pdftotext -bbox</c> reads back from the PDF itself.
/// </summary>
public sealed class CircularPdfLayoutTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public CircularPdfLayoutTests() => CircularFontResolver.EnsureInstalled(new CircularOptions().FontPath);

    [Fact]
    public void For_every_number_of_lines_the_layout_keeps_headings_with_their_tables_and_text_inside_the_margins_and_apart()
    {
        var broken = new List<string>();
        foreach (var period in new[] { CircularPeriod.Monthly, CircularPeriod.Quarterly })
        {
            for (var lines = 0; lines <= 45; lines++)
            {
                var (_, layout) = CircularPdf.Render(Report(period, lines), "版式检查", China);
                broken.AddRange(CircularPdfLayout.Problems(layout).Select(p => $"{period} with {lines} lines: {p}"));
            }
        }

        Assert.Empty(broken);
    }

    [Fact]
    public void The_layout_checks_find_a_stranded_heading_a_label_in_the_margin_and_headers_that_touch()
    {
        PdfText[] layout =
        [
            new(1, "三、按权属单位排名", new(36, 540, 200, 14), PdfTextRole.Heading),
            new(1, "4", new(16, 100, 6, 11), PdfTextRole.Axis),
            new(1, "二、每日预警数", new(36, 300, 85, 14), PdfTextRole.Heading),
            new(1, "1", new(100, 305, 6, 11), PdfTextRole.Axis), // a bar's count drawn into the heading
            new(2, "响应时间中位数(分)", new(396, 102, 79, 11), PdfTextRole.ColumnHeader),
            new(2, "超时未响应", new(478.5, 102, 45, 11), PdfTextRole.ColumnHeader), // 3.5 pt apart, as before decision 0061
        ];

        var problems = CircularPdfLayout.Problems(layout);

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("'二、每日预警数' and '1' overlap", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("ends the page", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'4'", StringComparison.Ordinal) && p.Contains("outside the margins", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("run together", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_words_in_the_pdf_lie_inside_the_margins_and_the_column_headers_apart()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.True(File.Exists("/usr/bin/pdftotext"), "pdftotext (poppler-utils, installed by test.sh) reads the PDF back");
        var (pdf, layout) = CircularPdf.Render(Report(CircularPeriod.Monthly, 14), "2026年12月安全风险监测月报（通报）", China);
        await CircularEndToEndTests.KeepForReadersAsync(pdf, "circular-layout", ct);

        var pages = await WordsAsync(pdf, ct);

        Assert.True(pages.Count >= 2);
        var words = pages.SelectMany(p => p.Words).ToList();
        Assert.All(words, w => Assert.InRange(w.XMin, CircularPdf.Margin - 0.5, CircularPdf.PageWidth - CircularPdf.Margin + 0.5));
        Assert.All(words, w => Assert.InRange(w.XMax, CircularPdf.Margin - 0.5, CircularPdf.PageWidth - CircularPdf.Margin + 0.5));
        Assert.All(words, w => Assert.InRange(w.YMax, CircularPdf.Margin - 0.5, CircularPdf.PageHeight - CircularPdf.Margin + 0.5));
        // Every header line of a table: its words in order, each at least the minimum gap from the one before.
        foreach (var header in words.Where(w => w.Text == "名称"))
        {
            var line = words.Where(w => w.Page == header.Page && Math.Abs(w.YMin - header.YMin) < 0.5).OrderBy(w => w.XMin).ToList();
            Assert.Equal(CircularText.Columns, line.Select(w => w.Text));
            Assert.All(line.Zip(line.Skip(1)), pair => Assert.True(pair.Second.XMin - pair.First.XMax >= CircularPdfLayout.MinimumGap, $"'{pair.First.Text}' and '{pair.Second.Text}' run together"));
        }

        // No page ends with a heading (一、 … 七、): the lowest word of each page is something else.
        Assert.All(pages, p => Assert.DoesNotMatch("^[一二三四五六七]、", p.Words.OrderBy(w => w.YMin).Last().Text));
        Assert.Empty(CircularPdfLayout.Problems(layout));
    }

    /// <summary>A month (or quarter) whose owner-unit ranking has <paramref name="lines"/> lines, one of them a very long name.</summary>
    private static CircularReport Report(CircularPeriod period, int lines)
    {
        var (from, to) = Circular.PeriodOf(period, new DateOnly(2026, 12, 1), China);
        var alerts = Enumerable.Range(0, lines).Select(i => new CircularAlert(
            new AlertFacts($"a-{i}", WarningLevel.Red, from.AddDays(i % 28).AddHours(3), i % 3 == 0 ? null : from.AddDays(i % 28).AddHours(3.2), null, null, i % 2),
            i == 0 ? "临江经济技术开发区城市燃气集团有限责任公司第三分公司管网运行维护中心" : $"权属单位{i:00}",
            i % 2 == 0 ? "住房和城乡建设局（燃气）" : "应急管理局（危险化学品）", $"区县{i % 4}", $"街道{i % 9}")).ToList();
        return Circular.Compute(period, from, to, China, "全市", alerts, [], []) with { Rescues = [] };
    }

    /// <summary>The words <c>pdftotext -bbox</c> reads from a PDF, by page (from 1), with their boxes in points from the top left.</summary>
    internal static async Task<List<(int Page, List<(int Page, string Text, double XMin, double XMax, double YMin, double YMax)> Words)>> WordsAsync(byte[] pdf, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), "circular-layout-" + Guid.NewGuid().ToString("N") + ".pdf");
        await File.WriteAllBytesAsync(path, pdf, ct);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("/usr/bin/pdftotext", ["-bbox", path, "-"]) { RedirectStandardOutput = true })!;
            var xhtml = await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            Assert.Equal(0, process.ExitCode);
            var document = XDocument.Parse(xhtml);
            return [.. document.Descendants().Where(e => e.Name.LocalName == "page").Select((page, index) => (index + 1, page.Elements().Where(e => e.Name.LocalName == "word")
                .Select(w => (index + 1, w.Value, D(w, "xMin"), D(w, "xMax"), D(w, "yMin"), D(w, "yMax"))).ToList()))];
        }
        finally
        {
            File.Delete(path);
        }

        static double D(XElement word, string name) => double.Parse(word.Attribute(name)!.Value, CultureInfo.InvariantCulture);
    }
}
