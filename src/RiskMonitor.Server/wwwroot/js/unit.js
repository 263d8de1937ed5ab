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
window.riskUnit = { alerts: [] };

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
  await refresh();
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
  } catch {
    showConnection('offline');
  }
}

bindLanguageSwitch(document.getElementById('language'), () => render(window.riskUnit.alerts));
getJson('/api/unit/me').then((org) => { document.getElementById('unit').textContent = org.name; }).catch(() => {});
await refresh();
setInterval(refresh, POLL_MS);
