using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using RiskMonitor.Domain.Reports;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>
/// The circular as a PDF (PDFsharp, A4 landscape): title, totals, a bar chart of alerts per day, then each ranking as a
/// table (the first <see cref="RowsPerRanking"/> lines; the .xlsx has them all). The fonts are embedded
/// (<see cref="MixedFont"/>), because a reader's machine may have no Chinese font to fall back on.
/// </summary>
internal static class CircularPdf
{
    public const int RowsPerRanking = 20;
    private const double Margin = 36;
    private static readonly double[] Widths = [190, 44, 40, 40, 44, 78, 58, 44, 36, 48, 48, 48];
    private static readonly double[] RescueWidths = [190, 60, 60, 60, 100, 80, 60, 100];

    public static byte[] Write(CircularReport report, string title, TimeSpan offset)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var document = new PdfDocument();
        document.Info.Title = title;
        document.Info.Creator = "RiskMonitor";
        var regular = new MixedFont(9, bold: false);
        var heading = new MixedFont(12, bold: true);
        var big = new MixedFont(17, bold: true);
        var pen = new Pen(document, regular);

        pen.Text(title, big, XBrushes.Black, 24);
        pen.Text("期间 " + CircularText.Period(report, offset) + "    范围 " + report.Scope + "    上期自 " +
                 report.PreviousFrom.ToOffset(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), regular, XBrushes.DimGray, 20);
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

        if (report.Rescues is { } rescues)
        {
            pen.Gap(8);
            pen.Text($"{Numeral(section)}、{CircularText.RescueHeading}", heading, XBrushes.Black, 20);
            if (rescues.Count == 0)
            {
                pen.Text(CircularText.NoRescues, regular, XBrushes.DimGray, 14);
            }
            else
            {
                pen.Table([.. rescues.Select(CircularText.RescueCells)], CircularText.RescueColumns, RescueWidths);
            }
        }

        pen.Close();
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private static string Numeral(int n) => n switch { 3 => "三", 4 => "四", 5 => "五", 6 => "六", 7 => "七", _ => n.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Draws top to bottom and starts a new page when the next block does not fit.</summary>
    private sealed class Pen(PdfDocument document, MixedFont font)
    {
        private PdfPage? _page;
        private XGraphics? _gfx;
        private double _y;

        private XGraphics Gfx => _gfx ?? NewPage();

        public void Text(string text, MixedFont with, XBrush brush, double height)
        {
            Room(height);
            with.Draw(Gfx, text, brush, new XRect(Margin, _y, Width, height), center: false);
            _y += height;
        }

        public void Gap(double height) => _y += height;

        public void Table(IReadOnlyList<string[]> rows, IReadOnlyList<string>? columns = null, double[]? widths = null)
        {
            const double rowHeight = 16;
            columns ??= CircularText.Columns;
            widths ??= Widths;
            Room(rowHeight * 2);
            Row(columns, header: true);
            foreach (var row in rows)
            {
                if (!Fits(rowHeight))
                {
                    NewPage();
                    Row(columns, header: true);
                }

                Row(row, header: false);
            }

            void Row(IReadOnlyList<string> cells, bool header)
            {
                var x = Margin;
                if (header)
                {
                    Gfx.DrawRectangle(XBrushes.Gainsboro, Margin, _y, widths.Sum(), rowHeight);
                }

                for (var c = 0; c < cells.Count; c++)
                {
                    font.Draw(Gfx, cells[c], XBrushes.Black, new XRect(x + 2, _y + 3, widths[c] - 4, rowHeight - 3), center: c != 0);
                    x += widths[c];
                }

                Gfx.DrawLine(XPens.LightGray, Margin, _y + rowHeight, Margin + widths.Sum(), _y + rowHeight);
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
            font.Draw(Gfx, max.ToString(CultureInfo.InvariantCulture), XBrushes.DimGray, new XRect(Margin - 30, _y - 4, 26, 12), center: true);
            var labelEvery = Math.Max(1, (int)Math.Ceiling(days.Count / 16.0));
            for (var i = 0; i < days.Count; i++)
            {
                var barHeight = height * days[i].Total / max;
                var x = Margin + (i * slot) + (slot * 0.15);
                if (days[i].Total > 0)
                {
                    Gfx.DrawRectangle(new XSolidBrush(XColor.FromArgb(0xc0, 0x39, 0x2b)), x, baseline - barHeight, slot * 0.7, barHeight);
                    font.Draw(Gfx, days[i].Total.ToString(CultureInfo.InvariantCulture), XBrushes.Black, new XRect(x - 6, baseline - barHeight - 12, (slot * 0.7) + 12, 11), center: true);
                }

                if (i % labelEvery == 0)
                {
                    font.Draw(Gfx, days[i].Day.ToString("MM-dd", CultureInfo.InvariantCulture), XBrushes.DimGray, new XRect(x - 10, baseline + 3, (slot * 0.7) + 20, 12), center: true);
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
/// Text in two fonts: Chinese (and full-width punctuation) in the CJK font, everything else (digits, Latin, ASCII
/// punctuation) in DejaVu Sans, because the one single-file CJK font Debian ships (Droid Sans Fallback) has no Latin
/// glyphs and PDFsharp 6.2 does no glyph fallback of its own. Each run is drawn after the one before it.
/// </summary>
internal sealed class MixedFont(double size, bool bold)
{
    private readonly XFont _cjk = new(CircularFontResolver.CjkFamily, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);
    private readonly XFont _latin = new(CircularFontResolver.LatinFamily, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);

    public void Draw(XGraphics gfx, string text, XBrush brush, XRect box, bool center)
    {
        var runs = Runs(text).Select(r => (r.Text, Font: r.Cjk ? _cjk : _latin)).ToList();
        var widths = runs.Select(r => gfx.MeasureString(r.Text, r.Font).Width).ToList();
        var x = center ? box.X + Math.Max(0, (box.Width - widths.Sum()) / 2) : box.X;
        for (var i = 0; i < runs.Count; i++)
        {
            // One baseline for both fonts: their ascents differ, so top-aligned runs would not sit on one line.
            gfx.DrawString(runs[i].Text, runs[i].Font, brush, new XPoint(x, box.Y + (size * 0.95)), XStringFormats.BaseLineLeft);
            x += widths[i];
        }
    }

    private static bool IsCjk(char c) => c >= '\u2E80';

    private static IEnumerable<(string Text, bool Cjk)> Runs(string text)
    {
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || IsCjk(text[i]) != IsCjk(text[start]))
            {
                yield return (text[start..i], IsCjk(text[start]));
                start = i;
            }
        }
    }
}

/// <summary>
/// PDFsharp's font source on Linux (it has none of its own there): the CJK family maps to the configured TrueType file
/// (bold simulated), the Latin family to DejaVu Sans and DejaVu Sans Bold. Set once per process (PDFsharp's resolver is global).
/// </summary>
internal sealed class CircularFontResolver(string cjkPath) : IFontResolver
{
    public const string CjkFamily = "RiskMonitor CJK";
    public const string LatinFamily = "RiskMonitor Latin";
    private const string DejaVu = "/usr/share/fonts/truetype/dejavu/";
    private static readonly Lock Gate = new();
    private readonly Dictionary<string, Lazy<byte[]>> _faces = new(StringComparer.Ordinal)
    {
        ["cjk"] = new(() => Read(cjkPath, "fonts-droid-fallback (or set Circulars:FontPath)")),
        ["latin"] = new(() => Read(DejaVu + "DejaVuSans.ttf", "fonts-dejavu-core")),
        ["latin-bold"] = new(() => Read(DejaVu + "DejaVuSans-Bold.ttf", "fonts-dejavu-core")),
    };

    public static void EnsureInstalled(string cjkPath)
    {
        lock (Gate)
        {
            GlobalFontSettings.FontResolver ??= new CircularFontResolver(cjkPath);
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        familyName == CjkFamily ? new FontResolverInfo("cjk", bold, italic) : new FontResolverInfo(bold ? "latin-bold" : "latin", false, italic);

    public byte[]? GetFont(string faceName) => _faces.TryGetValue(faceName, out var face) ? face.Value : null;

    private static byte[] Read(string path, string package) =>
        File.Exists(path) ? File.ReadAllBytes(path) : throw new FileNotFoundException($"The report font {path} is missing: install the Debian package {package}.", path);
}
