using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>
/// The circular as a PDF (PDFsharp, A4 landscape): title, totals, a bar chart of alerts per day, then each ranking as a
/// table (the first <see cref="RowsPerRanking"/> lines; the .xlsx has them all). Text is drawn in one embedded CJK font
/// (<see cref="CircularOptions.FontPath"/>), because a government reader has no font to fall back on.
/// </summary>
internal static class CircularPdf
{
    public const int RowsPerRanking = 20;
    private const double Margin = 36;
    private static readonly double[] Widths = [190, 44, 40, 40, 44, 78, 58, 44, 36, 48, 48, 48];

    public static byte[] Write(CircularReport report, string title, TimeSpan offset)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var document = new PdfDocument();
        document.Info.Title = title;
        document.Info.Creator = "RiskMonitor";
        var regular = new XFont(CircularFontResolver.Family, 9, XFontStyleEx.Regular);
        var heading = new XFont(CircularFontResolver.Family, 12, XFontStyleEx.Bold);
        var big = new XFont(CircularFontResolver.Family, 17, XFontStyleEx.Bold);
        var pen = new Pen(document, regular);

        pen.Text(title, big, XBrushes.Black, 24);
        pen.Text("期间 " + CircularText.Period(report, offset) + "    范围 " + report.Scope + "    生成 " +
                 report.Kpis.To.ToOffset(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 止", regular, XBrushes.DimGray, 20);
        pen.Text("一、总体情况", heading, XBrushes.Black, 20);
        pen.Table([CircularText.Cells(report.Total)]);
        pen.Gap(8);
        pen.Text("二、每日预警数", heading, XBrushes.Black, 20);
        pen.DayChart(report.Kpis.PerDay.Select(d => (d.Day, d.Total)).ToList());
        var section = 3;
        foreach (var ranking in report.Rankings)
        {
            pen.Gap(8);
            pen.Text($"{Numeral(section++)}、{CircularText.Dimension(ranking.Dimension)}排名（超时未响应多者在前）", heading, XBrushes.Black, 20);
            pen.Table([.. ranking.Rows.Take(RowsPerRanking).Select(CircularText.Cells)]);
            if (ranking.Rows.Count > RowsPerRanking)
            {
                pen.Text($"另有 {ranking.Rows.Count - RowsPerRanking} 项见 .xlsx 附表。", regular, XBrushes.DimGray, 14);
            }
        }

        pen.Close();
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private static string Numeral(int n) => n switch { 3 => "三", 4 => "四", 5 => "五", 6 => "六", _ => n.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Draws top to bottom and starts a new page when the next block does not fit.</summary>
    private sealed class Pen(PdfDocument document, XFont font)
    {
        private PdfPage? _page;
        private XGraphics? _gfx;
        private double _y;

        private XGraphics Gfx => _gfx ?? NewPage();

        public void Text(string text, XFont with, XBrush brush, double height)
        {
            Room(height);
            Gfx.DrawString(text, with, brush, new XRect(Margin, _y, Width, height), XStringFormats.TopLeft);
            _y += height;
        }

        public void Gap(double height) => _y += height;

        public void Table(IReadOnlyList<string[]> rows)
        {
            const double rowHeight = 16;
            Room(rowHeight * 2);
            Row(CircularText.Columns, header: true);
            foreach (var row in rows)
            {
                if (!Fits(rowHeight))
                {
                    NewPage();
                    Row(CircularText.Columns, header: true);
                }

                Row(row, header: false);
            }

            void Row(IReadOnlyList<string> cells, bool header)
            {
                var x = Margin;
                if (header)
                {
                    Gfx.DrawRectangle(XBrushes.Gainsboro, Margin, _y, Widths.Sum(), rowHeight);
                }

                for (var c = 0; c < cells.Count; c++)
                {
                    Gfx.DrawString(cells[c], font, XBrushes.Black, new XRect(x + 2, _y + 3, Widths[c] - 4, rowHeight - 3), c == 0 ? XStringFormats.TopLeft : XStringFormats.TopCenter);
                    x += Widths[c];
                }

                Gfx.DrawLine(XPens.LightGray, Margin, _y + rowHeight, Margin + Widths.Sum(), _y + rowHeight);
                _y += rowHeight;
            }
        }

        public void DayChart(IReadOnlyList<(DateOnly Day, int Total)> days)
        {
            const double height = 150;
            Room(height + 24);
            var max = Math.Max(1, days.Count == 0 ? 1 : days.Max(d => d.Total));
            var slot = days.Count == 0 ? Width : Width / days.Count;
            var baseline = _y + height;
            Gfx.DrawLine(XPens.Gray, Margin, baseline, Margin + Width, baseline);
            Gfx.DrawString(max.ToString(CultureInfo.InvariantCulture), font, XBrushes.DimGray, new XRect(Margin - 30, _y - 4, 26, 12), XStringFormats.TopRight);
            var labelEvery = Math.Max(1, (int)Math.Ceiling(days.Count / 16.0));
            for (var i = 0; i < days.Count; i++)
            {
                var barHeight = height * days[i].Total / max;
                var x = Margin + (i * slot) + (slot * 0.15);
                if (days[i].Total > 0)
                {
                    Gfx.DrawRectangle(new XSolidBrush(XColor.FromArgb(0xc0, 0x39, 0x2b)), x, baseline - barHeight, slot * 0.7, barHeight);
                    Gfx.DrawString(days[i].Total.ToString(CultureInfo.InvariantCulture), font, XBrushes.Black, new XRect(x - 6, baseline - barHeight - 12, (slot * 0.7) + 12, 11), XStringFormats.TopCenter);
                }

                if (i % labelEvery == 0)
                {
                    Gfx.DrawString(days[i].Day.ToString("MM-dd", CultureInfo.InvariantCulture), font, XBrushes.DimGray, new XRect(x - 10, baseline + 3, (slot * 0.7) + 20, 12), XStringFormats.TopCenter);
                }
            }

            _y = baseline + 20;
        }

        public void Close()
        {
            _gfx?.Dispose();
            _gfx = null;
        }

        private double Width => (_page?.Width.Point ?? 842) - (2 * Margin);

        private bool Fits(double height) => _gfx is not null && _y + height <= _page!.Height.Point - Margin;

        private void Room(double height)
        {
            if (!Fits(height))
            {
                NewPage();
            }
        }

        private XGraphics NewPage()
        {
            _gfx?.Dispose();
            _page = document.AddPage();
            _page.Size = PageSize.A4;
            _page.Orientation = PageOrientation.Landscape;
            _gfx = XGraphics.FromPdfPage(_page);
            _y = Margin;
            return _gfx;
        }
    }
}

/// <summary>
/// PDFsharp's font source on Linux (it has none of its own there): every family and style maps to the one configured
/// TrueType file; bold is simulated. Set once per process (PDFsharp's resolver is global).
/// </summary>
internal sealed class CircularFontResolver(string path) : IFontResolver
{
    public const string Family = "RiskMonitor Report";
    private static readonly Lock Gate = new();
    private readonly Lazy<byte[]> _bytes = new(() => File.Exists(path)
        ? File.ReadAllBytes(path)
        : throw new FileNotFoundException($"The report font {path} is missing: install the Debian package fonts-droid-fallback or set Circulars:FontPath.", path));

    public static void EnsureInstalled(string path)
    {
        lock (Gate)
        {
            GlobalFontSettings.FontResolver ??= new CircularFontResolver(path);
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => new("report", bold, italic);

    public byte[]? GetFont(string faceName) => _bytes.Value;
}
