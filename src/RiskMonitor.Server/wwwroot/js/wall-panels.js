// The wall's time panels (issue 23, part 2): alerts per hour over the last 24 h by level, time to acknowledge today
// against the week, and the duty roster. Drawn as plain SVG and text, large enough to read across the room.
import { COLOURS, el } from './common.js';
import { levelName, t } from './i18n.js';

const LEVELS = ['blue', 'yellow', 'orange', 'red']; // stacked bottom to top, the worst on top
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/**
 * Counts per hour (index 0 = 23 hours ago, 23 = this hour) and level: the server's count from the ledger
 * (GET /api/kpis/hourly, polled every minute) plus the live alerts raised since it was computed, so a new alert shows
 * at once. Without the server's answer (PostgreSQL away) the current alerts alone, which is what the wall still knows.
 */
export function perHour(hourly, alerts, now) {
  const hourStart = Math.floor(now / 3600_000) * 3600_000;
  const buckets = Array.from({ length: 24 }, () => ({ red: 0, orange: 0, yellow: 0, blue: 0 }));
  const bucketOf = (ms) => 23 - Math.floor((hourStart - Math.floor(ms / 3600_000) * 3600_000) / 3600_000);
  for (const h of hourly?.perHour ?? []) {
    const k = bucketOf(new Date(h.hour).getTime());
    if (k >= 0 && k < 24) for (const level of LEVELS) buckets[k][level] += h[level];
  }
  const since = hourly ? new Date(hourly.at).getTime() : -Infinity;
  for (const a of alerts) {
    const raised = new Date(a.raisedAt).getTime();
    if (raised <= since) continue; // already in the server's count
    const k = bucketOf(raised);
    if (k >= 0 && k < 24 && buckets[k][a.severity] !== undefined) buckets[k][a.severity]++;
  }
  return buckets;
}

export function renderPerHour(box, hourly, alerts, now) {
  const buckets = perHour(hourly, alerts, now);
  const max = Math.max(1, ...buckets.map((b) => LEVELS.reduce((s, l) => s + b[l], 0)));
  const chart = svg('svg', { viewBox: '0 0 240 64', preserveAspectRatio: 'none', class: 'bars', role: 'img' });
  buckets.forEach((b, k) => {
    let y = 60;
    for (const level of LEVELS) {
      const h = (b[level] / max) * 56;
      if (h > 0) {
        chart.append(svg('rect', { x: k * 10 + 1, y: y - h, width: 8, height: h, fill: COLOURS[level], 'data-level': level }));
        y -= h;
      }
    }
  });
  chart.append(svg('line', { x1: 0, y1: 60.5, x2: 240, y2: 60.5, stroke: '#3b4d70', 'stroke-width': 1 }));
  const total = buckets.reduce((s, b) => s + LEVELS.reduce((x, l) => x + b[l], 0), 0);
  const thisHour = buckets[23];
  box.dataset.total = String(total);
  box.replaceChildren(chart, el('div', { class: 'legend' },
    ...[...LEVELS].reverse().map((l) => el('span', { class: l }, `${levelName(l)} ${buckets.reduce((s, b) => s + b[l], 0)}`)),
    el('span', { class: 'muted' }, t('perHour.legend', { max, now: LEVELS.reduce((s, l) => s + thisHour[l], 0) }))));
}

function duration(seconds) {
  if (seconds == null) return t('ack.none');
  return seconds < 120 ? t('ack.seconds', { n: Math.round(seconds) }) : t('ack.minutes', { n: Math.round(seconds / 60) });
}

export function renderAck(box, hourly) {
  const a = hourly?.acknowledgeToday?.medianSeconds ?? null;
  const b = hourly?.acknowledgeWeek?.medianSeconds ?? null;
  const scale = Math.max(a ?? 0, b ?? 0, 1);
  const row = (label, value, cls) => el('div', { class: `ack-row ${cls}` },
    el('span', { class: 'ack-label' }, label),
    el('span', { class: 'ack-bar' }, el('i', { style: `width:${value == null ? 0 : Math.max(2, (value / scale) * 100)}%` })),
    el('b', {}, duration(value)));
  // Today worse than the week reads red: the room is slower than usual.
  box.replaceChildren(row(t('ack.today'), a, a != null && b != null && a > b ? 'worse' : 'today'), row(t('ack.week'), b, 'week'));
}

export function renderRoster(box, shifts, now) {
  if (!shifts) { box.replaceChildren(el('div', { class: 'muted' }, '—')); return; }
  const current = shifts.find((s) => new Date(s.startsAt) <= now && now < new Date(s.endsAt));
  const next = shifts.filter((s) => new Date(s.startsAt) > now).sort((x, y) => new Date(x.startsAt) - new Date(y.startsAt))[0];
  const hhmm = (iso) => new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false });
  const shift = (title, s) => el('div', { class: 'shift' },
    el('div', { class: 'shift-title' }, `${title} ${hhmm(s.startsAt)}–${hhmm(s.endsAt)}`),
    el('div', {}, el('span', { class: 'muted' }, `${t('roster.officer')} `), el('b', {}, s.officer ?? '—'), ` ${s.officerPhone ?? ''}`),
    el('div', {}, el('span', { class: 'muted' }, `${t('roster.leader')} `), el('b', {}, s.leader ?? '—'), ` ${s.leaderPhone ?? ''}`));
  const parts = [current ? shift(t('roster.now'), current) : null, next ? shift(t('roster.next'), next) : null].filter(Boolean);
  box.replaceChildren(...(parts.length ? parts : [el('div', { class: 'muted' }, t('roster.empty'))]));
}
