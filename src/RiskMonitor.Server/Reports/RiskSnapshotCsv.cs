using System.Globalization;
using System.Text;
using RiskMonitor.Domain;

namespace RiskMonitor.Server.Reports;

/// <summary>
/// The snapshot as CSV for a spreadsheet: UTF-8 with a byte-order mark (without it, Excel on a Chinese Windows
/// reads the region names as GBK and garbles them), one header line, one row per district / industry / total and
/// layer. RFC 4180 quoting.
/// </summary>
internal static class RiskSnapshotCsv
{
    public const string Header = "section,id,name,layer,red,orange,yellow,blue,total,colour,at,complete";

    public static byte[] Write(RiskSnapshotJson snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = new StringBuilder();
        text.Append(Header).Append("\r\n");
        foreach (var row in snapshot.ByDistrict)
        {
            Rows(text, "district", row, snapshot);
        }

        foreach (var row in snapshot.ByIndustry)
        {
            Rows(text, "industry", row, snapshot);
        }

        Rows(text, "total", snapshot.Total, snapshot);
        var preamble = Encoding.UTF8.GetPreamble();
        var body = Encoding.UTF8.GetBytes(text.ToString());
        return [.. preamble, .. body];
    }

    private static void Rows(StringBuilder text, string section, SnapshotRowJson row, RiskSnapshotJson snapshot)
    {
        Row(text, section, row, "inherent", row.Inherent, snapshot);
        Row(text, section, row, "dynamic", row.Dynamic, snapshot);
    }

    private static void Row(StringBuilder text, string section, SnapshotRowJson row, string layer, SnapshotLayerJson shown, RiskSnapshotJson snapshot)
    {
        var c = shown.Counts;
        string[] fields =
        [
            section, row.Id, row.Name, layer,
            Number(c.Red), Number(c.Orange), Number(c.Yellow), Number(c.Blue), Number(c.Total),
            shown.Colour is { } colour ? Name(colour) : "",
            snapshot.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            snapshot.Complete ? "true" : "false",
        ];
        text.AppendJoin(',', fields.Select(Quote)).Append("\r\n");
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Name(RiskColour colour) => colour.ToString().ToLowerInvariant();

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
