using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace RiskMonitor.Server.Tests.Cap;

/// <summary>Validation against the official OASIS CAP 1.2 XSD (Cap/CAP-v1.2.xsd, see Cap/SOURCE.md).</summary>
internal static class CapSchema
{
    public const string Namespace = "urn:oasis:names:tc:emergency:cap:1.2";

    private static readonly XmlSchemaSet Schemas = Load();

    /// <summary>Every validation error and warning; empty when the element is a valid CAP 1.2 alert.</summary>
    public static IReadOnlyList<string> Validate(XElement alert)
    {
        var problems = new List<string>();
        new XDocument(new XElement(alert)).Validate(Schemas, (_, e) => problems.Add($"{e.Severity}: {e.Message}"));
        return problems;
    }

    private static XmlSchemaSet Load()
    {
        var set = new XmlSchemaSet();
        using var reader = XmlReader.Create(Path.Combine(AppContext.BaseDirectory, "Cap", "CAP-v1.2.xsd"));
        set.Add(Namespace, reader);
        set.Compile();
        return set;
    }
}
