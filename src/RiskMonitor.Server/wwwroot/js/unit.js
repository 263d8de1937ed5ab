// The unit page (issue 20): the alerts routed to the signed-in account's organisation (owner unit, maintenance unit,
// regulator), what is due from it and by when, and its acts: acknowledge, arrival on site, release of trapped people.
// A unit account sees nothing else, so this page reads its own API (/api/unit/...) every few seconds instead of the
// region-scoped hub.
import { LEVEL_LABEL, el, getJson, postJson, requireSignIn, time } from './common.js';

await requireSignIn();

const list = document.getElementById('alerts');
const status = document.getElementById('connection');
const result = document.getElementById('action-result');
const POLL_MS = 3000;
window.riskUnit = { alerts: [] };

const DUTY = { acknowledge: '确认 acknowledge', arrive_on_site: '到场 on site', informed: '知悉 informed' };

function dueText(duty, now) {
  if (duty.doneAt) return `done ${time(duty.doneAt)} by ${duty.doneBy}`;
  if (duty.escalatedAt) return `overdue — escalated ${time(duty.escalatedAt)}`;
  if (!duty.dueBy) return '';
  const left = Math.round((new Date(duty.dueBy).getTime() - now) / 1000);
  return left >= 0 ? `due in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : 'overdue';
}

async function act(alertId, step) {
  try {
    await postJson(`/api/unit/alerts/${encodeURIComponent(alertId)}/${step}`, {});
    result.textContent = `${step}: recorded`;
  } catch (error) {
    result.textContent = `${step}: ${error.message}`;
  }
  await refresh();
}

function render(items) {
  const now = Date.now();
  list.replaceChildren(...items.map(({ alert, duties, rescue }) => {
    const buttons = [];
    if (duties.some((d) => d.kind === 'acknowledge' && !d.doneAt)) buttons.push(['acknowledge', '确认 acknowledge']);
    if (rescue && !rescue.arrivedAt) buttons.push(['arrival', '已到场 arrived']);
    if (rescue && !rescue.releasedAt) buttons.push(['release', '已解困 released']);
    return el('li', { dataset: { severity: alert.severity, alertId: alert.alertId } },
      el('div', { class: 'row' },
        el('span', { class: 'sev' }, `${LEVEL_LABEL[alert.severity] ?? alert.severity} ${alert.assetName}`),
        el('span', { class: 'state' }, alert.ruleId)),
      el('div', { class: 'muted' }, `${alert.message} · raised ${time(alert.raisedAt)}`),
      ...duties.map((d) => el('div', { class: `clock${!d.doneAt && d.dueBy && new Date(d.dueBy) < now ? ' overdue' : ''}` },
        `${DUTY[d.kind] ?? d.kind}: ${dueText(d, now)}`)),
      rescue ? el('div', { class: 'muted' },
        `rescue: reported ${time(rescue.reportedAt)}, on site ${rescue.arrivedAt ? time(rescue.arrivedAt) : '—'}, released ${rescue.releasedAt ? time(rescue.releasedAt) : '—'}`) : '',
      el('div', { class: 'actions' }, ...buttons.map(([step, label]) =>
        el('button', { type: 'button', dataset: { action: step }, onclick: () => act(alert.alertId, step) }, label))));
  }));
}

async function refresh() {
  try {
    const items = await getJson('/api/unit/alerts');
    window.riskUnit.alerts = items;
    render(items);
    status.dataset.status = 'live';
    status.textContent = 'live';
  } catch {
    status.dataset.status = 'offline';
    status.textContent = 'offline';
  }
}

getJson('/api/unit/me').then((org) => { document.getElementById('unit').textContent = org.name; }).catch(() => {});
await refresh();
setInterval(refresh, POLL_MS);
