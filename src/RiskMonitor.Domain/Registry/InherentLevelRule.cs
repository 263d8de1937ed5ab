namespace RiskMonitor.Domain.Registry;

/// <summary>An inherent (fixed) level and why it is what it is: the assessed level, then each raise with its reason.</summary>
public sealed record InherentLevel(RiskColour Assessed, RiskColour Level, string Basis);

/// <summary>
/// How a pipeline's material and age feed its inherent level (pure; docs/decisions/0041-live-registry.md). The scope of
/// 国办发〔2022〕22号 (城市燃气管道等老化更新改造实施方案 2022-2025) names <b>all grey cast-iron</b> gas mains for renewal
/// whatever their state, and <b>steel and PE mains in service 20 years or more</b> once an assessment finds a hazard. So:
/// <list type="bullet">
/// <item>grey cast iron (铸铁, 灰口铸铁, cast_iron) raises the assessed level one step;</item>
/// <item>steel (钢) or PE 20 years or more after installation raises it one step;</item>
/// <item>one step at most (a 25-year-old cast-iron main is one step up, not two), never past red;</item>
/// <item>an unknown installation year raises nothing for age, and the basis says the age is unknown.</item>
/// </list>
/// The one step is this project's choice: the programme says what is to be renewed, not by how much its risk rises.
/// Ductile iron (球墨铸铁) is renewed only when it fails its assessment, which the assessed level already carries.
/// </summary>
public static class InherentLevelRule
{
    public const int AgeLimitYears = 20;

    private static readonly HashSet<string> GreyCastIron = new(["铸铁", "灰口铸铁", "灰铸铁", "cast_iron", "grey_cast_iron", "gray_cast_iron"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> SteelOrPe = new(["钢", "钢质", "steel", "pe", "聚乙烯"], StringComparer.OrdinalIgnoreCase);

    public static InherentLevel Apply(RiskColour assessed, string kind, string? material, int? installedYear, DateOnly today)
    {
        if (kind != "gas_pipeline" || string.IsNullOrWhiteSpace(material))
        {
            return new InherentLevel(assessed, assessed, $"assessed {Name(assessed)}");
        }

        var age = installedYear is { } year ? today.Year - year : (int?)null;
        string? reason = null;
        if (GreyCastIron.Contains(material.Trim()))
        {
            reason = "grey cast iron (all grey cast-iron gas mains are to be renewed, 国办发〔2022〕22号)";
        }
        else if (SteelOrPe.Contains(material.Trim()) && age >= AgeLimitYears)
        {
            reason = $"{material.Trim()} in service {age} years (>= {AgeLimitYears}, 国办发〔2022〕22号)";
        }

        var ageNote = age is null ? "; installation year unknown" : "";
        if (reason is null)
        {
            return new InherentLevel(assessed, assessed, $"assessed {Name(assessed)}; {material.Trim()}{(age is null ? "" : $" in service {age} years")}: no raise{ageNote}");
        }

        var raised = assessed == RiskColour.Red ? RiskColour.Red : assessed + 1;
        return new InherentLevel(assessed, raised, $"assessed {Name(assessed)}; raised to {Name(raised)}: {reason}{ageNote}");
    }

    private static string Name(RiskColour colour) => colour.ToString().ToLowerInvariant();
}
