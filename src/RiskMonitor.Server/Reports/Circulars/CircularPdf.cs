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
/// (<see cref="MixedFont"/>), because a reader's machine may have no Chinese font to fall back on. Every piece of text
/// drawn is kept with its box (<see cref="Render"/>), so the layout can be checked (<see cref="CircularPdfLayout"/>):
/// inside the margins, no two texts of a line touching, no heading left alone at the foot of a page (decision 0061).
/// </summary>
internal static class CircularPdf
{
    public const int RowsPerRanking = 20;
    public const double Margin = 36;
    public const double PageWidth = 842; // A4 landscape, in points
    public const double PageHeight = 595;
    private const double RowHeight = 16;
    private const double HeadingHeight = 20;
    private const double ChartHeight = 150;
    private static readonly double[] Widths = [190, 44, 40, 40, 44, 78, 58, 44, 36, 48, 48, 48];
    private static readonly double[] RescueWidths = [190, 60, 60, 60, 100, 80, 60, 100];

    public static byte[] Write(CircularReport report, string title, TimeSpan offset) => Render(report, title, offset).Pdf;

    /// <summary>The PDF and every text drawn on it, with its page and box (points, from the top left).</summary>
    public static (byte[] Pdf, IReadOnlyList<PdfText> Layout) Render(CircularReport report, string title, TimeSpan offset)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var document = new PdfDocument();
        document.Info.Title = title;
        document.Info.Creator = "RiskMonitor";
        var regular = new MixedFont(9, bold: false);
        var heading = new MixedFont(12, bold: true);
        var big = new MixedFont(17, bold: true);
        var pen = new Pen(document, regular);

        pen.Text(title, big, XBrushes.Black, 24, PdfTextRole.Title);
        pen.Text("期间 " + CircularText.Period(report, offset) + "    范围 " + report.Scope + "    上期自 " +
                 report.PreviousFrom.ToOffset(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), regular, XBrushes.DimGray, 20, PdfTextRole.Text);
        pen.Heading("一、总体情况", heading, Pen.TableStart(1));
        pen.Table([CircularText.Cells(report.Total)]);
        pen.Gap(8);
        pen.Heading("二、每日预警数", heading, Pen.ChartBlock);
        pen.DayChart(report.Kpis.PerDay.Select(d => (d.Day, d.Total)).ToList());
        var section = 3;
        foreach (var ranking in report.Rankings)
        {
            pen.Gap(8);
            pen.Heading($"{Numeral(section++)}、{CircularText.Dimension(ranking.Dimension)}排名（超时未响应多者在前）", heading, Pen.TableStart(ranking.Rows.Count));
            pen.Table([.. ranking.Rows.Take(RowsPerRanking).Select(CircularText.Cells)]);
            if (ranking.Rows.Count > RowsPerRanking)
            {
                pen.Text($"另有 {ranking.Rows.Count - RowsPerRanking} 项见 .xlsx 附表。", regular, XBrushes.DimGray, 14, PdfTextRole.Text);
            }
        }

        if (report.Rescues is { } rescues)
        {
            pen.Gap(8);
            pen.Heading($"{Numeral(section)}、{CircularText.RescueHeading}", heading, rescues.Count == 0 ? 14 : Pen.TableStart(rescues.Count));
            if (rescues.Count == 0)
            {
                pen.Text(CircularText.NoRescues, regular, XBrushes.DimGray, 14, PdfTextRole.Text);
            }
            else
            {
                pen.Table([.. rescues.Select(CircularText.RescueCells)], CircularText.RescueColumns, RescueWidths);
            }
        }

        pen.Close();
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return (stream.ToArray(), pen.Placed);
    }

    private static string Numeral(int n) => n switch { 3 => "三", 4 => "四", 5 => "五", 6 => "六", 7 => "七", _ => n.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Draws top to bottom and starts a new page when the next block does not fit.</summary>
    private sealed class Pen(PdfDocument document, MixedFont font)
    {
        /// <summary>The room a chart needs below its heading: a line for the tallest bar's count, the plot and its date labels.</summary>
        public const double ChartBlock = ValueLine + ChartHeight + 24;

        private const double ValueLine = 14; // above the plot: the tallest bar's count must not reach into the heading

        private const double CellPadding = 4; // each side of a cell's text; two cells' texts are at least twice this apart
        private const double AxisGutter = 28; // left of the plot, inside the margin: the scale's label
        private PdfPage? _page;
        private XGraphics? _gfx;
        private double _y;

        public List<PdfText> Placed { get; } = [];

        /// <summary>The room a table needs below its heading: its header and its first row (or the header alone).</summary>
        public static double TableStart(int rows) => RowHeight * (rows == 0 ? 1 : 2);

        private XGraphics Gfx => _gfx ?? NewPage();

        private int PageNumber => document.PageCount;

        public void Text(string text, MixedFont with, XBrush brush, double height, PdfTextRole role)
        {
            Room(height);
            Place(with, text, brush, new XRect(Margin, _y, Width, height), center: false, role);
            _y += height;
        }

        /// <summary>A heading starts a page rather than end one: it moves on with <paramref name="keepWith"/> points of what follows it.</summary>
        public void Heading(string text, MixedFont with, double keepWith)
        {
            Room(HeadingHeight + keepWith);
            Place(with, text, XBrushes.Black, new XRect(Margin, _y, Width, HeadingHeight), center: false, PdfTextRole.Heading);
            _y += HeadingHeight;
        }

        public void Gap(double height) => _y += height;

        public void Table(IReadOnlyList<string[]> rows, IReadOnlyList<string>? columns = null, double[]? widths = null)
        {
            columns ??= CircularText.Columns;
            var fitted = FitWidths(columns, widths ?? Widths);
            Room(RowHeight * 2);
            Row(columns, header: true);
            foreach (var row in rows)
            {
                if (!Fits(RowHeight))
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
                    Gfx.DrawRectangle(XBrushes.Gainsboro, Margin, _y, fitted.Sum(), RowHeight);
                }

                for (var c = 0; c < cells.Count; c++)
                {
                    // A name longer than its column is cut with an ellipsis rather than drawn over the next column.
                    var text = font.Fit(Gfx, cells[c], fitted[c] - (2 * CellPadding));
                    Place(font, text, XBrushes.Black, new XRect(x + CellPadding, _y + 3, fitted[c] - (2 * CellPadding), RowHeight - 3), center: c != 0,
                        header ? PdfTextRole.ColumnHeader : PdfTextRole.Cell);
                    x += fitted[c];
                }

                Gfx.DrawLine(XPens.LightGray, Margin, _y + RowHeight, Margin + fitted.Sum(), _y + RowHeight);
                _y += RowHeight;
            }
        }

        /// <summary>
        /// Each column at least as wide as its header needs (so two headers never run together); what that adds beyond
        /// the page comes off the first column (the names, which are cut to fit).
        /// </summary>
        private double[] FitWidths(IReadOnlyList<string> columns, double[] widths)
        {
            var fitted = columns.Select((c, i) => Math.Max(widths[i], font.Measure(Gfx, c) + (2 * CellPadding) + 2)).ToArray();
            var excess = fitted.Sum() - Width;
            if (excess > 0)
            {
                fitted[0] = Math.Max(80, fitted[0] - excess);
            }

            return fitted;
        }

        public void DayChart(IReadOnlyList<(DateOnly Day, int Total)> days)
        {
            Room(ChartBlock);
            var max = Math.Max(1, days.Count == 0 ? 1 : days.Max(d => d.Total));
            // The scale's label sits in a gutter inside the margin, and the bars to its right.
            var left = Margin + AxisGutter;
            var plotWidth = Width - AxisGutter;
            var slot = days.Count == 0 ? plotWidth : plotWidth / days.Count;
            var top = _y + ValueLine;
            var baseline = top + ChartHeight;
            Gfx.DrawLine(XPens.Gray, left, baseline, left + plotWidth, baseline);
            Gfx.DrawLine(XPens.LightGray, left, top, left, baseline);
            Place(font, max.ToString(CultureInfo.InvariantCulture), XBrushes.DimGray, new XRect(Margin, top - 4, AxisGutter - 4, 12), center: true, PdfTextRole.Axis);
            var labelEvery = Math.Max(1, (int)Math.Ceiling(days.Count / 16.0));
            for (var i = 0; i < days.Count; i++)
            {
                var barHeight = ChartHeight * days[i].Total / max;
                var x = left + (i * slot) + (slot * 0.15);
                if (days[i].Total > 0)
                {
                    Gfx.DrawRectangle(new XSolidBrush(XColor.FromArgb(0xc0, 0x39, 0x2b)), x, baseline - barHeight, slot * 0.7, barHeight);
                    // A count wider than its slot (a quarter's days are 8 pt apart) would run into its neighbour's: the scale gives it.
                    var count = days[i].Total.ToString(CultureInfo.InvariantCulture);
                    if (font.Measure(Gfx, count) + 2 <= slot)
                    {
                        Place(font, count, XBrushes.Black, Within(x + (slot * 0.35) - (slot / 2), baseline - barHeight - 12, slot, 11), center: true, PdfTextRole.Axis);
                    }
                }

                if (i % labelEvery == 0)
                {
                    // The first and last labels would stick out of the plot's ends: their boxes are kept on the page.
                    var label = days[i].Day.ToString("MM-dd", CultureInfo.InvariantCulture);
                    var box = Math.Max((slot * 0.7) + 20, font.Measure(Gfx, label) + 1); // a quarter's slots are narrower than a date
                    Place(font, label, XBrushes.DimGray, Within(x + (slot * 0.35) - (box / 2), baseline + 3, box, 12), center: true, PdfTextRole.Axis);
                }
            }

            _y = baseline + 20;
        }

        public void Close()
        {
            _gfx?.Dispose();
            _gfx = null;
        }

        private double Width => (_page?.Width.Point ?? PageWidth) - (2 * Margin);

        private bool Fits(double height) => _gfx is not null && _y + height <= _page!.Height.Point - Margin;

        /// <summary>A label's box moved (not shrunk) to lie between the margins, when it is no wider than the page.</summary>
        private XRect Within(double x, double y, double width, double height) =>
            new(Math.Clamp(x, Margin, Math.Max(Margin, Margin + Width - width)), y, width, height);

        private void Place(MixedFont with, string text, XBrush brush, XRect box, bool center, PdfTextRole role) =>
            Placed.Add(new PdfText(PageNumber, text, with.Draw(Gfx, text, brush, box, center), role));

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

/// <summary>What a piece of text on a circular's page is, for the layout checks.</summary>
internal enum PdfTextRole
{
    Title,
    Heading,
    Text,
    ColumnHeader,
    Cell,
    Axis,
}

/// <summary>A piece of text drawn: its page (from 1), the text, and the box of its glyphs (points, from the top left).</summary>
internal sealed record PdfText(int Page, string Text, XRect Box, PdfTextRole Role);

/// <summary>The layout rules a circular's PDF keeps, checked on what <see cref="CircularPdf.Render"/> drew (decision 0061).</summary>
internal static class CircularPdfLayout
{
    /// <summary>
    /// Two texts of one line closer than this read as one: two thirds of a 9 pt CJK character. (Before decision 0061
    /// the median-time header ran 5 pt past its column and stood 3.5 pt from the next header.)
    /// </summary>
    public const double MinimumGap = 6;

    /// <summary>What breaks the rules, in words; empty when the layout keeps them.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<PdfText> layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var problems = new List<string>();
        const double tolerance = 0.01;
        foreach (var text in layout.Where(t => t.Text.Length > 0))
        {
            var b = text.Box;
            if (b.Left < CircularPdf.Margin - tolerance || b.Right > CircularPdf.PageWidth - CircularPdf.Margin + tolerance
                || b.Top < CircularPdf.Margin - tolerance || b.Bottom > CircularPdf.PageHeight - CircularPdf.Margin + tolerance)
            {
                problems.Add($"page {text.Page}: '{text.Text}' ({b.Left:0.#}-{b.Right:0.#}, {b.Top:0.#}-{b.Bottom:0.#}) is outside the margins");
            }
        }

        foreach (var line in layout.Where(t => t.Text.Length > 0 && t.Role is PdfTextRole.ColumnHeader or PdfTextRole.Cell)
                     .GroupBy(t => (t.Page, Math.Round(t.Box.Top, 1))))
        {
            var cells = line.OrderBy(t => t.Box.Left).ToList();
            for (var i = 1; i < cells.Count; i++)
            {
                if (cells[i].Box.Left - cells[i - 1].Box.Right < MinimumGap)
                {
                    problems.Add($"page {line.Key.Page}: '{cells[i - 1].Text}' and '{cells[i].Text}' run together");
                }
            }
        }

        // No two texts of a page overlap (a bar's count and the heading above the chart, two counts of narrow bars).
        foreach (var page in layout.Where(t => t.Text.Length > 0).GroupBy(t => t.Page))
        {
            var texts = page.OrderBy(t => t.Box.Top).ToList();
            for (var i = 0; i < texts.Count; i++)
            {
                for (var j = i + 1; j < texts.Count && texts[j].Box.Top < texts[i].Box.Bottom; j++)
                {
                    var overlap = XRect.Intersect(texts[i].Box, texts[j].Box);
                    if (!overlap.IsEmpty && overlap.Width * overlap.Height > 0.5)
                    {
                        problems.Add($"page {page.Key}: '{texts[i].Text}' and '{texts[j].Text}' overlap");
                    }
                }
            }
        }

        foreach (var heading in layout.Where(t => t.Role == PdfTextRole.Heading))
        {
            if (!layout.Any(t => t.Page == heading.Page && t.Box.Top > heading.Box.Bottom))
            {
                problems.Add($"page {heading.Page}: the heading '{heading.Text}' ends the page");
            }
        }

        return problems;
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

    /// <summary>Draws <paramref name="text"/> in <paramref name="box"/> (left-aligned, or centred); returns the box its glyphs take.</summary>
    public XRect Draw(XGraphics gfx, string text, XBrush brush, XRect box, bool center)
    {
        var runs = Runs(text).Select(r => (r.Text, Font: r.Cjk ? _cjk : _latin)).ToList();
        var widths = runs.Select(r => gfx.MeasureString(r.Text, r.Font).Width).ToList();
        var start = center ? box.X + Math.Max(0, (box.Width - widths.Sum()) / 2) : box.X;
        var x = start;
        for (var i = 0; i < runs.Count; i++)
        {
            // One baseline for both fonts: their ascents differ, so top-aligned runs would not sit on one line.
            gfx.DrawString(runs[i].Text, runs[i].Font, brush, new XPoint(x, box.Y + (size * 0.95)), XStringFormats.BaseLineLeft);
            x += widths[i];
        }

        return new XRect(start, box.Y, x - start, size * 1.2);
    }

    public double Measure(XGraphics gfx, string text) => Runs(text).Sum(r => gfx.MeasureString(r.Text, r.Cjk ? _cjk : _latin).Width);

    /// <summary><paramref name="text"/> if it fits in <paramref name="width"/>, else as much of it as fits with an ellipsis.</summary>
    public string Fit(XGraphics gfx, string text, double width)
    {
        if (Measure(gfx, text) <= width)
        {
            return text;
        }

        var length = text.Length;
        while (length > 0 && Measure(gfx, text[..length] + "…") > width)
        {
            length--;
        }

        return text[..length] + "…";
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
