using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Storage.Duty;

/// <summary>The 24 h duty roster: who is the on-duty officer and the leader on duty at any moment.</summary>
public interface IDutyRoster
{
    /// <summary>The shift covering <paramref name="at"/>, or null when the roster has a gap there.</summary>
    Task<DutyShift?> OnDutyAsync(DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Shifts (not cancelled) overlapping [from, to), in time order.</summary>
    Task<IReadOnlyList<DutyShift>> ListAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Adds a shift; null when it overlaps one already on the roster.</summary>
    Task<DutyShift?> AddAsync(DutyShift shift, string actor, CancellationToken cancellationToken = default);

    /// <summary>Takes a shift off the roster (it stays recorded as cancelled). False for an unknown or already cancelled shift.</summary>
    Task<bool> CancelAsync(long shiftId, string actor, DateTimeOffset at, CancellationToken cancellationToken = default);
}
