using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Storage.Duty;

/// <summary>The roster of a server run without PostgreSQL, and of unit tests; the same rules, kept in memory.</summary>
public sealed class InMemoryDutyRoster : IDutyRoster
{
    private readonly Lock _gate = new();
    private readonly List<DutyShift> _shifts = [];
    private long _nextId;

    public Task<DutyShift?> OnDutyAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_shifts.FirstOrDefault(s => s.Covers(at)));
        }
    }

    public Task<IReadOnlyList<DutyShift>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DutyShift>>([.. _shifts.Where(s => s.StartsAt < to && s.EndsAt > from).OrderBy(s => s.StartsAt)]);
        }
    }

    public Task<DutyShift?> AddAsync(DutyShift shift, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shift);
        if (shift.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(shift));
        }

        lock (_gate)
        {
            if (_shifts.Any(s => s.StartsAt < shift.EndsAt && s.EndsAt > shift.StartsAt))
            {
                return Task.FromResult<DutyShift?>(null);
            }

            var added = shift with { ShiftId = ++_nextId };
            _shifts.Add(added);
            return Task.FromResult<DutyShift?>(added);
        }
    }

    public Task<bool> CancelAsync(long shiftId, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_shifts.RemoveAll(s => s.ShiftId == shiftId) > 0);
        }
    }
}
