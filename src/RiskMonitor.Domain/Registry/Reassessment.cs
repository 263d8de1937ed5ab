namespace RiskMonitor.Domain.Registry;

/// <summary>Something with an assessed inherent level: an asset or an area (a region). <see cref="Level"/>: the level on record, if any.</summary>
public sealed record Assessed(string Id, string Kind, string Name, DateOnly? AssessedOn, string? Assessor, RiskColour? Level = null);

/// <summary>An inherent level due for reassessment: when it was due, and by how many days it is late.</summary>
public sealed record ReassessmentDue(Assessed Subject, DateOnly? DueOn, int? DaysOverdue);

/// <summary>
/// Which inherent levels are due for reassessment (pure). Each kind has a period (an area's default is 5 years, the
/// city safety risk assessment cycle; a major hazard source's is 3 years, 危险化学品重大危险源监督管理暂行规定 第十一条);
/// a kind with no period of its own takes the default period. Never assessed counts as overdue and is
/// listed first: nobody knows where its level came from.
/// </summary>
public static class Reassessment
{
    public static IReadOnlyList<ReassessmentDue> Overdue(
        IEnumerable<Assessed> subjects, IReadOnlyDictionary<string, int> periodYearsByKind, int defaultPeriodYears, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(periodYearsByKind);
        var due = new List<ReassessmentDue>();
        foreach (var subject in subjects)
        {
            if (subject.AssessedOn is not { } on)
            {
                due.Add(new ReassessmentDue(subject, null, null));
                continue;
            }

            var dueOn = on.AddYears(periodYearsByKind.GetValueOrDefault(subject.Kind, defaultPeriodYears));
            if (dueOn <= today)
            {
                due.Add(new ReassessmentDue(subject, dueOn, today.DayNumber - dueOn.DayNumber));
            }
        }

        return [.. due.OrderBy(d => d.DueOn is null ? 0 : 1).ThenBy(d => d.DueOn).ThenBy(d => d.Subject.Id, StringComparer.Ordinal)];
    }
}
