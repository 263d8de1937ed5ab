using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace RiskMonitor.Server.Reports.Circulars;

/// <summary>The cells a chart draws: its categories (text) and one series of numbers, both ranges of one sheet.</summary>
/// <param name="FirstRow">1-based row of the first point; the points run down <see cref="CategoryColumn"/> and <see cref="ValueColumn"/>.</param>
internal sealed record XlsxChartData(
    string Title, string SheetName, int FirstRow, string CategoryColumn, string ValueColumn, IReadOnlyList<string> Categories, IReadOnlyList<double> Values)
{
    public string CategoryFormula => Range(CategoryColumn);

    public string ValueFormula => Range(ValueColumn);

    private string Range(string column) => $"'{SheetName.Replace("'", "''", StringComparison.Ordinal)}'!${column}${FirstRow}:${column}${FirstRow + Values.Count - 1}";
}

/// <summary>
/// A native column chart added to a workbook ClosedXML wrote (decision 0048): ClosedXML 0.95 writes no charts, so the
/// chart part (DrawingML, ECMA-376 part 1 §21.2) is added with the Open XML SDK that ClosedXML itself writes with.
/// The series refers to the sheet's cells, so a reader who edits a figure sees the bar change, and carries a cache of
/// the values, which is what a viewer draws before it recalculates (and what the tests read back).
/// </summary>
internal static class XlsxChart
{
    private const string ChartUri = "http://schemas.openxmlformats.org/drawingml/2006/chart";

    /// <param name="xlsx">The workbook, readable, writable and seekable; changed in place.</param>
    /// <param name="anchor">Zero-based from column and row, to column and row of the chart's frame.</param>
    public static void AddColumnChart(Stream xlsx, XlsxChartData data, (int FromColumn, int FromRow, int ToColumn, int ToRow) anchor)
    {
        ArgumentNullException.ThrowIfNull(xlsx);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Categories.Count != data.Values.Count || data.Values.Count == 0)
        {
            throw new ArgumentException("A chart needs one category per value, and at least one value.", nameof(data));
        }

        using var document = SpreadsheetDocument.Open(xlsx, isEditable: true);
        var workbookPart = document.WorkbookPart ?? throw new InvalidDataException("The workbook has no workbook part.");
        var sheet = workbookPart.Workbook.Descendants<Sheet>().SingleOrDefault(s => s.Name == data.SheetName)
            ?? throw new InvalidDataException($"The workbook has no sheet '{data.SheetName}'.");
        var worksheetPart = (WorksheetPart)workbookPart.GetPartById(sheet.Id!);
        var drawingsPart = worksheetPart.DrawingsPart ?? AddDrawingsPart(worksheetPart);
        drawingsPart.WorksheetDrawing ??= new Xdr.WorksheetDrawing();

        var chartPart = drawingsPart.AddNewPart<ChartPart>();
        chartPart.ChartSpace = ChartSpace(data);
        var frameId = (uint)drawingsPart.WorksheetDrawing.ChildElements.Count + 2;
        drawingsPart.WorksheetDrawing.Append(new Xdr.TwoCellAnchor(
            Marker<Xdr.FromMarker>(anchor.FromColumn, anchor.FromRow),
            Marker<Xdr.ToMarker>(anchor.ToColumn, anchor.ToRow),
            new Xdr.GraphicFrame(
                new Xdr.NonVisualGraphicFrameProperties(
                    new Xdr.NonVisualDrawingProperties { Id = frameId, Name = data.Title },
                    new Xdr.NonVisualGraphicFrameDrawingProperties()),
                new Xdr.Transform(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = 0, Cy = 0 }),
                new A.Graphic(new A.GraphicData(new C.ChartReference { Id = drawingsPart.GetIdOfPart(chartPart) }) { Uri = ChartUri }))
            { Macro = "" },
            new Xdr.ClientData()));
        drawingsPart.WorksheetDrawing.Save();
        worksheetPart.Worksheet.Save();
    }

    private static DrawingsPart AddDrawingsPart(WorksheetPart worksheetPart)
    {
        var part = worksheetPart.AddNewPart<DrawingsPart>();
        var drawing = new Drawing { Id = worksheetPart.GetIdOfPart(part) };
        // The schema orders a worksheet's children: <drawing> comes after the page set-up and conditional formats and
        // before these; Excel refuses a file with them out of order.
        var after = worksheetPart.Worksheet.ChildElements.FirstOrDefault(e => e is LegacyDrawing or LegacyDrawingHeaderFooter or Picture
            or OleObjects or Controls or WebPublishItems or TableParts or WorksheetExtensionList);
        if (after is null)
        {
            worksheetPart.Worksheet.Append(drawing);
        }
        else
        {
            worksheetPart.Worksheet.InsertBefore(drawing, after);
        }

        return part;
    }

    private static T Marker<T>(int column, int row)
        where T : OpenXmlCompositeElement, new()
    {
        var marker = new T();
        marker.Append(new Xdr.ColumnId(column.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Xdr.ColumnOffset("0"),
            new Xdr.RowId(row.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Xdr.RowOffset("0"));
        return marker;
    }

    private static C.ChartSpace ChartSpace(XlsxChartData data)
    {
        var categories = new C.StringCache(new C.PointCount { Val = (uint)data.Categories.Count });
        var values = new C.NumberingCache(new C.FormatCode("General"), new C.PointCount { Val = (uint)data.Values.Count });
        for (var i = 0; i < data.Values.Count; i++)
        {
            categories.Append(new C.StringPoint(new C.NumericValue(data.Categories[i])) { Index = (uint)i });
            values.Append(new C.NumericPoint(new C.NumericValue(data.Values[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture))) { Index = (uint)i });
        }

        const uint categoryAxis = 48650112;
        const uint valueAxis = 48672768;
        return new C.ChartSpace(
            new C.EditingLanguage { Val = "zh-CN" },
            new C.RoundedCorners { Val = false },
            new C.Chart(
                new C.Title(
                    new C.ChartText(new C.RichText(new A.BodyProperties(), new A.ListStyle(),
                        new A.Paragraph(new A.Run(new A.RunProperties { Language = "zh-CN", FontSize = 1200, Bold = true }, new A.Text(data.Title))))),
                    new C.Overlay { Val = false }),
                new C.AutoTitleDeleted { Val = false },
                new C.PlotArea(
                    new C.Layout(),
                    new C.BarChart(
                        new C.BarDirection { Val = C.BarDirectionValues.Column },
                        new C.BarGrouping { Val = C.BarGroupingValues.Clustered },
                        new C.VaryColors { Val = false },
                        new C.BarChartSeries(
                            new C.Index { Val = 0U },
                            new C.Order { Val = 0U },
                            new C.SeriesText(new C.NumericValue(data.Title)),
                            new C.ChartShapeProperties(new A.SolidFill(new A.RgbColorModelHex { Val = "C0392B" })),
                            new C.InvertIfNegative { Val = false },
                            new C.CategoryAxisData(new C.StringReference(new C.Formula(data.CategoryFormula), categories)),
                            new C.Values(new C.NumberReference(new C.Formula(data.ValueFormula), values))),
                        new C.GapWidth { Val = 50 },
                        new C.AxisId { Val = categoryAxis },
                        new C.AxisId { Val = valueAxis }),
                    new C.CategoryAxis(
                        new C.AxisId { Val = categoryAxis },
                        new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }),
                        new C.Delete { Val = false },
                        new C.AxisPosition { Val = C.AxisPositionValues.Bottom },
                        new C.NumberingFormat { FormatCode = "General", SourceLinked = true },
                        new C.MajorTickMark { Val = C.TickMarkValues.Outside },
                        new C.MinorTickMark { Val = C.TickMarkValues.None },
                        new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
                        new C.CrossingAxis { Val = valueAxis },
                        new C.Crosses { Val = C.CrossesValues.AutoZero },
                        new C.AutoLabeled { Val = true },
                        new C.LabelAlignment { Val = C.LabelAlignmentValues.Center },
                        new C.LabelOffset { Val = 100 },
                        new C.NoMultiLevelLabels { Val = false }),
                    new C.ValueAxis(
                        new C.AxisId { Val = valueAxis },
                        new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }),
                        new C.Delete { Val = false },
                        new C.AxisPosition { Val = C.AxisPositionValues.Left },
                        new C.MajorGridlines(),
                        new C.NumberingFormat { FormatCode = "0", SourceLinked = false },
                        new C.MajorTickMark { Val = C.TickMarkValues.Outside },
                        new C.MinorTickMark { Val = C.TickMarkValues.None },
                        new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
                        new C.CrossingAxis { Val = categoryAxis },
                        new C.Crosses { Val = C.CrossesValues.AutoZero },
                        new C.CrossBetween { Val = C.CrossBetweenValues.Between })),
                new C.PlotVisibleOnly { Val = true },
                new C.DisplayBlanksAs { Val = C.DisplayBlanksAsValues.Gap }));
    }
}
