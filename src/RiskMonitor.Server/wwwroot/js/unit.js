// The unit page (issue 20): the alerts routed to the signed-in account's organisation (owner unit, maintenance unit,
// regulator), what is due from it and by when, and its acts: acknowledge, arrival on site, release of trapped people.
// A unit account sees nothing else, so this page reads its own API (/api/unit/...) every few seconds instead of the
// region-scoped hub.
import { el, getJson, postJson, requireSignIn, showConnection, time } from './common.js';
import { alertText, badge, bindLanguageSwitch, t, tOr } from './i18n.js';
import { levelShown } from './wall-groups.js';

await requireSignIn();

const list = document.getElementById('alerts');
const result = document.getElementById('action-result');
const POLL_MS = 3000;
// The KPIs change with an act, not by the second: read them every tenth poll and after each act.
const KPI_EVERY = 10;
const kpiSection = document.getElementById('kpis');
const kpiList = document.getElementById('kpi-list');
let polls = 0;
window.riskUnit = { alerts: [], kpis: null };

function dueText(duty, now) {
  if (duty.doneAt) return t('unitPage.doneBy', { time: time(duty.doneAt), who: duty.doneBy });
  if (duty.escalatedAt) return t('unitPage.escalated', { time: time(duty.escalatedAt) });
  if (!duty.dueBy) return '';
  const left = Math.round((new Date(duty.dueBy).getTime() - now) / 1000);
  return left >= 0 ? t('unitPage.dueIn', { left: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` }) : t('unitPage.overdue');
}

async function act(alertId, step) {
  try {
    await postJson(`/api/unit/alerts/${encodeURIComponent(alertId)}/${step}`, {});
    result.textContent = t('unitPage.recorded', { step: t(`step.${step}`) });
  } catch (error) {
    result.textContent = t('unitPage.failed', { step: t(`step.${step}`), error: error.message });
  }
  polls = 0;
  await refresh();
}

const minutes = (x) => (typeof x === 'number' ? t('unitPage.kpis.minutes', { minutes: x.toFixed(1) }) : '—');

// The unit's rescue line (if it had a rescue in the period) and how it answered acknowledgements.
function renderKpis(report) {
  if (!report) return;
  const rescue = report.units[0];
  const ack = report.acknowledgements;
  const rows = [
    ['rescues', rescue?.rescues ?? 0],
    ['arrived', rescue?.arrived ?? 0],
    ['medianArrival', minutes(rescue?.medianArrivalMinutes), false],
    ['maxArrival', minutes(rescue?.maxArrivalMinutes), false],
    ['late', rescue?.late ?? 0, (rescue?.late ?? 0) > 0],
    ['released', rescue?.released ?? 0],
    ['medianRelease', minutes(rescue?.medianReleaseMinutes), false],
    ['acknowledged', `${ack.acknowledged} / ${ack.asked}`],
    ['medianAcknowledge', minutes(ack.medianAcknowledgeMinutes), false],
    ['acknowledgeOverdue', ack.overdue, ack.overdue > 0],
  ];
  kpiList.replaceChildren(...rows.flatMap(([key, value, bad]) => [
    el('dt', {}, t(`unitPage.kpis.${key}`)),
    el('dd', { dataset: { kpi: key }, class: bad ? 'bad' : '' }, String(value)),
  ]));
  kpiSection.hidden = false;
}

async function refreshKpis() {
  try {
    window.riskUnit.kpis = await getJson('/api/unit/kpis');
    renderKpis(window.riskUnit.kpis);
  } catch {
    // The alerts matter more; the figures come back at the next try.
  }
}

function render(items) {
  const now = Date.now();
  list.replaceChildren(...items.map(({ alert, duties, rescue }) => {
    const steps = [];
    if (duties.some((d) => d.kind === 'acknowledge' && !d.doneAt)) steps.push('acknowledge');
    if (rescue && !rescue.arrivedAt) steps.push('arrival');
    if (rescue && !rescue.releasedAt) steps.push('release');
    return el('li', { dataset: { severity: alert.severity, shown: levelShown(alert), alertId: alert.alertId } },
      el('div', { class: 'row' },
        el('span', { class: 'sev' }, `${badge(levelShown(alert))} ${alert.assetName}`),
        el('span', { class: 'state' }, time(alert.raisedAt))),
      el('div', {}, alertText(alert)),
      ...duties.map((d) => el('div', { class: `clock${!d.doneAt && d.dueBy && new Date(d.dueBy) < now ? ' overdue' : ''}` },
        `${tOr(`unitPage.duty.${d.kind}`, d.kind)}: ${dueText(d, now)}`)),
      rescue ? el('div', { class: 'muted' }, t('unitPage.rescue', {
        reported: time(rescue.reportedAt), arrived: rescue.arrivedAt ? time(rescue.arrivedAt) : '—', released: rescue.releasedAt ? time(rescue.releasedAt) : '—',
      })) : '',
      el('div', { class: 'actions' }, ...steps.map((step) =>
        el('button', { type: 'button', dataset: { action: step }, onclick: () => act(alert.alertId, step) }, t(`step.${step}`)))));
  }));
}

async function refresh() {
  try {
    const items = await getJson('/api/unit/alerts');
    window.riskUnit.alerts = items;
    render(items);
    showConnection('live');
    if (polls++ % KPI_EVERY === 0) await refreshKpis();
  } catch {
    showConnection('offline');
  }
}

bindLanguageSwitch(document.getElementById('language'), () => { render(window.riskUnit.alerts); renderKpis(window.riskUnit.kpis); });
getJson('/api/unit/me').then((org) => { document.getElementById('unit').textContent = org.name; }).catch(() => {});
await refresh();
setInterval(refresh, POLL_MS);
