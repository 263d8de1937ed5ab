// Pure helpers of the wall's alert stream (no DOM): which level an alert shows, and how a storm becomes one line.

/**
 * The level an alert shows: while its condition is on, the level it is at now (a leak that fell from red to orange
 * shows orange, matching its message "now orange, peak red"); once cleared, the worst it reached.
 */
export function levelShown(alert) {
  return alert.conditionActive && alert.level && alert.level !== 'none' ? alert.level : alert.severity;
}

const RANK = { none: 0, blue: 1, yellow: 2, orange: 3, red: 4 };

// An alert's raise time in ms, parsed once per alert object (every update brings a new object): sorting and grouping a
// storm of a thousand alerts compared raise times some 20,000 times a frame, each parsing two ISO strings.
const raisedMsOf = new WeakMap();
export function raisedMs(alert) {
  let ms = raisedMsOf.get(alert);
  if (ms === undefined) {
    ms = Date.parse(alert.raisedAt);
    raisedMsOf.set(alert, ms);
  }
  return ms;
}

/** Alerts of one rule in one district, raised within this of the previous one, are one incident in the stream. */
export const GROUP_WINDOW_MS = 10 * 60_000;

/** Fewer alerts than this stay on their own lines (two leaks are two lines; a storm of twenty is one). */
export const GROUP_MIN = 3;

/**
 * Groups live alerts by (rule, district) and time (single linkage within GROUP_WINDOW_MS). Returns groups in the
 * order of their first alert in `alerts` (already sorted worst and newest first); a group's level is its worst shown
 * level, its alerts oldest first. Groups smaller than GROUP_MIN are returned as one group per alert.
 */
export function groupAlerts(alerts, districtOf) {
  const buckets = new Map(); // rule|district -> alerts
  for (const a of alerts) {
    if (!a.conditionActive) continue;
    // A drill's alerts never share a line with real ones (decision 0042).
    const key = `${a.ruleId}|${districtOf(a)}|${a.drill ?? ''}`;
    if (!buckets.has(key)) buckets.set(key, []);
    buckets.get(key).push(a);
  }
  const groupOf = new Map(); // alertId -> group
  for (const [key, members] of buckets) {
    const sorted = [...members].sort((x, y) => raisedMs(x) - raisedMs(y));
    let run = [];
    const close = () => {
      if (run.length >= GROUP_MIN) {
        const group = {
          key: `${key}|${run[0].alertId}`, district: districtOf(run[0]), alerts: run,
          level: run.map(levelShown).reduce((w, l) => (RANK[l] > RANK[w] ? l : w), 'none'),
        };
        for (const a of run) groupOf.set(a.alertId, group);
      }
      run = [];
    };
    for (const a of sorted) {
      if (run.length && raisedMs(a) - raisedMs(run[run.length - 1]) > GROUP_WINDOW_MS) close();
      run.push(a);
    }
    close();
  }
  const out = [];
  const emitted = new Set();
  for (const a of alerts) {
    const group = groupOf.get(a.alertId);
    if (!group) out.push({ key: a.alertId, alerts: [a], level: levelShown(a) });
    else if (!emitted.has(group)) { emitted.add(group); out.push(group); }
  }
  return out;
}
