namespace RiskMonitor.Domain.Incidents;

/// <summary>The four grades of 生产安全事故报告和调查处理条例 (State Council Decree 493) article 3.</summary>
public enum IncidentGrade
{
    /// <summary>一般事故.</summary>
    General,

    /// <summary>较大事故.</summary>
    Larger,

    /// <summary>重大事故.</summary>
    Major,

    /// <summary>特别重大事故.</summary>
    ExtremelyMajor,
}

/// <summary>What an incident has cost so far. Deaths include nobody missing: article 3 grades on deaths, serious injuries and loss.</summary>
/// <param name="SeriouslyInjured">重伤, including acute industrial poisoning (article 3 counts them together).</param>
/// <param name="Missing">下落不明: reported (article 12) and shown, not graded until confirmed dead.</param>
/// <param name="DirectLossYuan">直接经济损失 in yuan.</param>
public sealed record IncidentFigures(int Deaths, int SeriouslyInjured, int Missing, long DirectLossYuan)
{
    public static IncidentFigures None { get; } = new(0, 0, 0, 0);

    /// <summary>Casualties the grade and the 30-day follow-up duty look at (article 13: 伤亡人数发生变化).</summary>
    public bool SameCasualtiesAs(IncidentFigures other) =>
        other is not null && Deaths == other.Deaths && SeriouslyInjured == other.SeriouslyInjured && Missing == other.Missing;
}

/// <summary>A grade and the figures that set it, in words an inspector can check against the regulation.</summary>
public sealed record GradeVerdict(IncidentGrade Grade, IReadOnlyList<string> Basis);

/// <summary>
/// Grades an incident by article 3 of 生产安全事故报告和调查处理条例: the highest grade any one of deaths, serious injuries
/// (incl. acute industrial poisoning) or direct economic loss reaches. "以上" includes the number, "以下" excludes it, so
/// 3 deaths is 较大, 10 is 重大, 30 is 特别重大. Thresholds and sources: docs/rules.md. Pure.
/// </summary>
public static class IncidentGrading
{
    /// <summary>The lowest figure of each measure that reaches a grade: (grade, deaths, seriously injured, loss in yuan).</summary>
    public static IReadOnlyList<(IncidentGrade Grade, int Deaths, int SeriouslyInjured, long DirectLossYuan)> Thresholds { get; } =
    [
        (IncidentGrade.ExtremelyMajor, 30, 100, 100_000_000),
        (IncidentGrade.Major, 10, 50, 50_000_000),
        (IncidentGrade.Larger, 3, 10, 10_000_000),
    ];

    public static GradeVerdict Grade(IncidentFigures figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        foreach (var (grade, deaths, injured, loss) in Thresholds)
        {
            var basis = new List<string>();
            if (figures.Deaths >= deaths)
            {
                basis.Add($"死亡 deaths {figures.Deaths} ≥ {deaths}");
            }

            if (figures.SeriouslyInjured >= injured)
            {
                basis.Add($"重伤 seriously injured {figures.SeriouslyInjured} ≥ {injured}");
            }

            if (figures.DirectLossYuan >= loss)
            {
                basis.Add($"直接经济损失 direct loss {figures.DirectLossYuan} ≥ {loss} yuan");
            }

            if (basis.Count > 0)
            {
                return new GradeVerdict(grade, [.. basis.Select(b => $"{b} → {Label(grade)} (条例第三条)")]);
            }
        }

        var larger = Thresholds[^1];
        return new GradeVerdict(IncidentGrade.General,
            [$"死亡 deaths {figures.Deaths} < {larger.Deaths}, 重伤 seriously injured {figures.SeriouslyInjured} < {larger.SeriouslyInjured}, " +
             $"直接经济损失 direct loss {figures.DirectLossYuan} < {larger.DirectLossYuan} yuan → {Label(IncidentGrade.General)} (条例第三条)"]);
    }

    public static string Label(IncidentGrade grade) => grade switch
    {
        IncidentGrade.General => "一般",
        IncidentGrade.Larger => "较大",
        IncidentGrade.Major => "重大",
        IncidentGrade.ExtremelyMajor => "特别重大",
        _ => throw new ArgumentOutOfRangeException(nameof(grade), grade, null),
    };
}
