// The on-call page: my open alerts (worst and newest first), one alert's detail with its recent series, and the
// handling steps. Works on a phone; every step is recorded as the signed-in person.
import {
  ACK_TIMEOUT_MIN, beep, coalesce, compareAlerts, connectHub, el, getJson, postJson, requireSignIn, showConnection, signedInName, time,
} from './common.js';
import {
  agoText, alertText, badge, bindLanguageSwitch, dateTime, industryName, kindName, levelName, stateName, t, tOr,
} from './i18n.js';
import { levelShown } from './wall-groups.js';

await requireSignIn(); // the API and the hub want a token: nothing loads before someone signs in (in the kept language)

const alerts = new Map();
let selectedId = null;
let plot = null;
const newRed = new Set();
window.riskOnCall = { alerts };

// The actor of every step is whoever signed in (the server records the token's name whatever the body says).
document.getElementById('actor').textContent = signedInName();
localStorage.removeItem('rm.actor'); // the free-text name of earlier versions
const onlyActive = document.getElementById('only-active');
const regionFilter = document.getElementById('region');

const escalations = new Map(); // alertId -> escalation status from the server, once fetched

/** When an unacknowledged alert escalates: the server's escalation clock when we have it; the DESIGN.md defaults until then. */
function clockDue(alert) {
  const serverDue = escalations.get(alert.alertId)?.nextDue;
  return serverDue ? new Date(serverDue).getTime() : new Date(alert.raisedAt).getTime() + (ACK_TIMEOUT_MIN[alert.severity] ?? 60) * 60_000;
}

function clockText(alert, now) {
  if (alert.state !== 'open') return alert.respondBy ? t('oncall.respondBy', { time: time(alert.respondBy) }) : '';
  const due = clockDue(alert);
  const left = Math.round((due - now) / 1000);
  return left >= 0
    ? t('oncall.escalatesIn', { left: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` })
    : t('oncall.overdueEscalating', { ago: -left < 120 ? t('ack.seconds', { n: -left }) : t('ack.minutes', { n: Math.round(-left / 60) }) });
}

/** Noise control marks (docs/decisions/0017-noise-control.md): flapping, silenced, part of an incident. */
function noiseText(a) {
  return [a.flapping ? t('oncall.flapping') : null, a.silencedBy ? t('oncall.silenced') : null,
    a.incidentId && a.incidentId !== a.alertId ? t('oncall.inIncident') : null].filter(Boolean).map((x) => ` · ${x}`).join('');
}

// One row per alert, kept across renders: a storm of a thousand alerts must not rebuild a thousand rows on every hub
// message or every countdown tick (a tap landing on a row replaced under the finger is lost). A row is rebuilt only when
// what it shows changes, moved only when the order changes, and the tick rewrites only the countdown texts.
const rows = new Map(); // alertId -> { li, shown, clock }

function rowShows(a) {
  return [a.severity, a.level, a.state, a.conditionActive, a.message, a.assetName, a.regionId, a.raisedAt, a.flapping, a.silencedBy, a.incidentId, a.drill, rowLanguage].join('\u0001');
}
let rowLanguage = 0; // bumped by the language switch: every row is rebuilt in the other language

function buildRow(a) {
  const clock = el('span', { class: 'clock' });
  const li = el('li', {
    dataset: { alertId: a.alertId, severity: a.severity, shown: levelShown(a), active: String(a.conditionActive), state: a.state, drill: a.drill ?? '' },
    class: `${newRed.has(a.alertId) ? 'new-red' : ''}${a.drill ? ' drill' : ''}`,
    onclick: () => select(a.alertId),
  },
  // A drill's alert is tagged on its first line (decision 0042): acknowledged like a real one, never taken for one.
  el('div', { class: 'row' }, a.drill ? el('span', { class: 'tag-drill' }, `${t('drill.tag')} ${a.drill}`) : '', el('span', { class: 'sev' }, `${badge(levelShown(a))} ${a.assetName}`), el('span', { class: 'state' }, stateName(a.state))),
  el('div', {}, alertText(a)),
  el('div', { class: 'row muted' }, `${a.regionId} · ${t('oncall.raised', { time: time(a.raisedAt) })}${a.conditionActive ? '' : ` · ${t('oncall.conditionCleared')}`}${noiseText(a)}`, clock));
  return { li, shown: rowShows(a), clock };
}

function renderList() {
  const now = Date.now();
  const regions = new Set([...alerts.values()].map((a) => a.regionId));
  const known = new Set([...regionFilter.options].map((o) => o.value));
  for (const r of [...regions].sort()) if (!known.has(r)) regionFilter.append(el('option', { value: r }, r));
  const items = [...alerts.values()]
    .filter((a) => (!onlyActive.checked || a.conditionActive || a.state !== 'resolved') && (!regionFilter.value || a.regionId === regionFilter.value))
    .sort(compareAlerts);
  document.getElementById('count').textContent = t('oncall.count', { n: items.length });
  const list = document.getElementById('alerts');
  const listed = new Set();
  let previous = null;
  for (const a of items) {
    listed.add(a.alertId);
    let row = rows.get(a.alertId);
    if (!row || row.shown !== rowShows(a)) {
      const fresh = buildRow(a);
      row?.li.replaceWith(fresh.li);
      rows.set(a.alertId, fresh);
      row = fresh;
    }
    const expected = previous ? previous.nextSibling : list.firstChild;
    if (expected !== row.li) list.insertBefore(row.li, expected);
    previous = row.li;
    const clock = clockText(a, now);
    if (row.clock.textContent !== clock) row.clock.textContent = clock;
    row.clock.classList.toggle('overdue', a.state === 'open' && clockDue(a) < now);
  }
  for (const [alertId, row] of rows) {
    if (!listed.has(alertId)) { row.li.remove(); rows.delete(alertId); }
  }
  newRed.clear();
  if (selectedId) renderDetail();
}

function renderDetail() {
  const a = alerts.get(selectedId);
  const detail = document.getElementById('detail');
  if (!a) { detail.hidden = true; return; }
  detail.hidden = false;
  document.getElementById('detail-title').textContent = `${a.drill ? `【${t('drill.tag')} ${a.drill}】` : ''}${badge(levelShown(a))} · ${a.assetName}`;
  const facts = [
    ['alert', a.alertId], ['rule', a.ruleId], ['state', stateName(a.state)],
    ['condition', a.conditionActive ? t('oncall.conditionActive', { level: levelName(a.level) }) : t('oncall.conditionClearedAt', { time: time(a.clearedAt) })],
    ['value', a.value ?? '—'], ['readingTime', time(a.readingTime)], ['raised', t('oncall.raisedAgo', { time: time(a.raisedAt), ago: agoText(a.raisedAt) })],
    ['escalation', clockText(a, Date.now()) || '—'], ['region', a.regionId], ['kind', `${kindName(a.kind)} · ${industryName(a.industry)}`], ['message', alertText(a)],
  ];
  if (a.flapping) facts.push(['flapping', t('oncall.flappingSince', { time: time(a.flappingSince) })]);
  if (a.silencedBy) facts.push(['silenced', t('oncall.silencedBy', { by: a.silencedBy })]);
  if (a.incidentId) facts.push(['incident', a.incidentId]);
  document.getElementById('detail-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, t(`oncall.fact.${k}`)), el('dd', {}, v)]));
  const allowed = {
    assign: a.state !== 'closed',
    comment: a.state !== 'closed',
    acknowledge: a.state === 'open',
    start: a.state === 'open' || a.state === 'acknowledged',
    resolve: !a.conditionActive && ['open', 'acknowledged', 'in_progress'].includes(a.state),
    close: !a.conditionActive && a.state === 'resolved',
  };
  for (const button of document.querySelectorAll('.actions button')) button.disabled = !allowed[button.dataset.action];
}

async function select(alertId) {
  selectedId = alertId;
  document.getElementById('action-result').textContent = '';
  renderDetail();
  const a = alerts.get(alertId);
  document.getElementById('alerts').hidden = window.matchMedia('(max-width: 600px)').matches;
  await Promise.all([
    a?.metric ? drawSeries(a) : Promise.resolve(document.getElementById('chart').replaceChildren()),
    loadHistory(alertId),
    getJson(`/api/alerts/${encodeURIComponent(alertId)}/escalation`).then((e) => { escalations.set(alertId, e); renderDetail(); }).catch(() => {}),
  ]);
}

async function loadHistory(alertId) {
  const list = document.getElementById('history');
  try {
    const entries = await getJson(`/api/alerts/${encodeURIComponent(alertId)}/history`);
    list.replaceChildren(...entries.map((e) => el('li', { dataset: { action: e.action } }, `${time(e.at)} · ${tOr(`action.${e.action}`, e.action)} · ${e.actor}`,
      e.stateBefore && e.stateBefore !== e.stateAfter ? ` · ${stateName(e.stateBefore)} → ${stateName(e.stateAfter)}` : '', e.note ? ` · “${e.note}”` : '')));
  } catch {
    list.replaceChildren(el('li', { class: 'muted' }, t('oncall.historyUnavailable')));
  }
}

async function drawSeries(alert) {
  const chart = document.getElementById('chart');
  try {
    const series = await getJson(`/api/assets/${encodeURIComponent(alert.assetId.split('!')[0])}/series?metric=${encodeURIComponent(alert.metric)}&stepSeconds=10`);
    const xs = series.points.map((p) => new Date(p.at).getTime() / 1000);
    const ys = series.points.map((p) => p.value);
    plot?.destroy();
    chart.replaceChildren();
    plot = new uPlot({
      width: Math.min(900, chart.clientWidth || 600), height: 200, title: t('oncall.seriesTitle', { metric: tOr(`metric.${alert.metric}`, alert.metric) }),
      series: [{}, { label: tOr(`metric.${alert.metric}`, alert.metric), stroke: '#d32f2f', width: 2 }],
    }, [xs, ys], chart);
  } catch (error) {
    chart.replaceChildren(el('p', { class: 'muted' }, t('oncall.seriesUnavailable', { error: error.message })));
  }
}

document.getElementById('back').addEventListener('click', () => {
  selectedId = null;
  document.getElementById('detail').hidden = true;
  document.getElementById('alerts').hidden = false;
});

for (const button of document.querySelectorAll('.actions button')) {
  button.addEventListener('click', async () => {
    const result = document.getElementById('action-result');
    try {
      const note = document.getElementById('note').value.trim() || null;
      const assignee = document.getElementById('assignee').value.trim() || null;
      const updated = await postJson(`/api/alerts/${encodeURIComponent(selectedId)}/${button.dataset.action}`, { actor: signedInName(), note, assignee });
      alerts.set(updated.alertId, updated);
      if (updated.state === 'closed') alerts.delete(updated.alertId);
      result.className = '';
      result.textContent = t('oncall.done', { action: t(`step.${button.dataset.action}`), state: stateName(updated.state) });
      document.getElementById('note').value = '';
      schedule();
      loadHistory(updated.alertId);
    } catch (error) {
      result.className = 'error';
      result.textContent = error.message;
    }
  });
}

async function sync() {
  const page = await getJson('/api/alerts?limit=10000');
  alerts.clear();
  for (const a of page.items) alerts.set(a.alertId, a);
  schedule();
}

const schedule = coalesce(renderList, 200);
function onAlert(alert) {
  const isNew = !alerts.has(alert.alertId);
  if (alert.state === 'closed') alerts.delete(alert.alertId);
  else alerts.set(alert.alertId, alert);
  if (isNew && alert.severity === 'red' && !alert.silencedBy) {
    newRed.add(alert.alertId);
    beep();
    navigator.vibrate?.([200, 100, 200]); // a phone in a pocket: where the browser allows it (not iOS Safari)
  }
  schedule();
}

connectHub({ alertRaised: onAlert, alertUpdated: onAlert, alertCleared: onAlert }, sync, showConnection);
onlyActive.addEventListener('change', schedule);
regionFilter.addEventListener('change', schedule);
setInterval(schedule, 1000); // countdowns

// The hidden-hazard ledger (隐患台账): read-only here; overdue hazards stand out.
const onlyOverdue = document.getElementById('only-overdue');
async function loadHazards() {
  const rows = document.getElementById('hazard-rows');
  try {
    const hazards = await getJson(`/api/hazards?limit=500${onlyOverdue.checked ? '&overdue=true' : ''}`);
    // A drill's hazard (decision 0049) is tagged as the drill's alerts are, never taken for a real one.
    rows.replaceChildren(...hazards.map((v) => el('tr', { dataset: { hazardId: v.hazard.hazardId, overdue: String(v.overdue), drill: v.hazard.drillId ?? '' }, class: v.hazard.drillId ? 'drill' : '' },
      el('td', {}, v.hazard.drillId ? el('span', { class: 'tag-drill' }, `${t('drill.tag')} ${v.hazard.drillId}`) : '', v.hazard.description, v.listedSupervision ? ` 【${t('hazard.listed')}】` : ''), el('td', {}, tOr(`hazard.level.${v.hazard.level}`, v.hazard.level)),
      el('td', {}, tOr(`hazard.status.${v.hazard.status}`, v.hazard.status)), el('td', {}, v.hazard.deadline ? dateTime(v.hazard.deadline) : '—'),
      el('td', {}, v.hazard.responsibleUnit ?? '—'))));
  } catch (error) {
    rows.replaceChildren(el('tr', {}, el('td', { colspan: 5 }, t('oncall.hazardsUnavailable', { error: error.message }))));
  }
}
onlyOverdue.addEventListener('change', loadHazards);
function showTab(hazards) {
  document.getElementById('tab-alerts').classList.toggle('active', !hazards);
  document.getElementById('tab-hazards').classList.toggle('active', hazards);
  document.getElementById('alerts').hidden = hazards;
  document.getElementById('hazards').hidden = !hazards;
  if (hazards) { document.getElementById('detail').hidden = true; loadHazards(); }
}
document.getElementById('tab-alerts').addEventListener('click', () => showTab(false));
document.getElementById('tab-hazards').addEventListener('click', () => showTab(true));

// One language at a time: the switch reloads the message file (which refills the marked labels); what the page built
// from messages is built again.
bindLanguageSwitch(document.getElementById('language'), () => {
  rowLanguage++;
  renderList(); // at once (it renders the detail too): a switch is a tap, not a storm
  const a = selectedId ? alerts.get(selectedId) : null;
  if (a) {
    loadHistory(a.alertId);
    if (a.metric) drawSeries(a);
  }
  if (!document.getElementById('hazards').hidden) loadHazards();
});
