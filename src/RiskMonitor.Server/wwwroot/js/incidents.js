// The incidents page of the on-call desk: record an incident (or promote alerts), report it up the ladder with every
// clock in view, follow up, close. A clock about to run out, or missed, is pushed here by the server (incidentClock).
import { connectHub, el, getJson, postJson, requireSignIn, showConnection, signedInName } from './common.js';
import { bindLanguageSwitch, currentLanguage, dateTime, t, tOr } from './i18n.js';

await requireSignIn();

const LEVEL = (level) => tOr(`incidents.level.${level}`, level);
const STATUS = (status) => tOr(`incidents.clockStatus.${status}`, status);
const KIND = (kind) => tOr(`incidents.kind.${kind}`, kind);
// The grade in the page's language; the server's label (一般事故 ...) for a grade the files do not know.
const grade = (v) => tOr(`incidents.grade.${snake(v.incident.grade)}`, v.gradeLabel);
const snake = (name) => String(name).replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
const incidents = new Map();
// The server's clock minus ours: countdowns run on the server's time, which decides the clocks.
let skewMs = 0;
const serverNow = () => Date.now() + skewMs;
function keep(v) {
  skewMs = new Date(v.at).getTime() - Date.now();
  incidents.set(v.incident.incidentId, v);
}
let selectedId = null;
window.riskIncidents = { incidents };

const when = dateTime;
function left(iso, now) {
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const text = `${Math.floor(Math.abs(s) / 3600)}:${String(Math.floor((Math.abs(s) % 3600) / 60)).padStart(2, '0')}:${String(Math.abs(s) % 60).padStart(2, '0')}`;
  return s >= 0 ? text : `−${text}`;
}
const exerciseTag = (v) => (v.exercise ? el('span', { class: 'tag-exercise' }, t('incidents.exercise')) : '');
const nextClock = (v) => v.clocks.find((c) => c.status === 'overdue' || c.status === 'due_soon' || c.status === 'pending');

function renderList() {
  const now = serverNow();
  const items = [...incidents.values()].sort((a, b) => b.incident.occurredAt.localeCompare(a.incident.occurredAt));
  document.getElementById('count').textContent = t('incidents.count', { n: items.length });
  document.getElementById('incidents').replaceChildren(...items.map((v) => {
    const next = nextClock(v);
    return el('li', { dataset: { incidentId: v.incident.incidentId, grade: v.incident.grade, late: String(v.late) }, onclick: () => select(v.incident.incidentId) },
      el('div', { class: 'row' }, el('span', { class: 'sev' }, `【${grade(v)}】${v.incident.title}`), exerciseTag(v),
        el('span', { class: 'state' }, tOr(`incidents.status.${snake(v.incident.status)}`, v.incident.status))),
      el('div', { class: 'row muted' }, `${v.incident.place ?? v.incident.regionId ?? ''} · ${t('incidents.deaths', { n: v.incident.figures.deaths })}`,
        v.late ? el('span', { class: 'late' }, t('incidents.late')) : '',
        next ? el('span', { class: `clock${next.status === 'overdue' ? ' overdue' : ''}` }, `${next.key} ${left(next.due, now)}`) : ''));
  }));
  if (selectedId) renderDetail();
}

function renderDetail() {
  const v = incidents.get(selectedId);
  const detail = document.getElementById('detail');
  if (!v) { detail.hidden = true; return; }
  detail.hidden = false;
  const i = v.incident;
  const now = serverNow();
  document.getElementById('exercise-banner').hidden = !v.exercise;
  document.getElementById('detail-title').textContent = `【${grade(v)}】${i.title}`;
  const facts = [
    ['incident', i.incidentId], ['grade', grade(v)], ['basis', i.gradeBasis.join('; ')],
    ['figures', t('incidents.figures', { deaths: i.figures.deaths, injured: i.figures.seriouslyInjured, missing: i.figures.missing, loss: i.figures.directLossYuan })],
    ['occurred', when(i.occurredAt)], ['known', when(i.knownAt)], ['status', tOr(`incidents.status.${snake(i.status)}`, i.status)],
    ['reportedUpTo', LEVEL(i.requiredLevels[i.requiredLevels.length - 1].level)],
    ['supervision', i.supervisingBody ?? (v.supervisionMissing ? t('incidents.supervisionMissing') : '—')],
    ['alerts', i.alertIds.join(', ') || '—'], ['hazards', i.hazardIds.join(', ') || '—'], ['units', i.units.join(', ') || '—'],
  ];
  if (i.reviewDueAt) facts.push(['reviewDue', `${when(i.reviewDueAt)}${v.reviewOverdue ? t('incidents.reviewOverdue') : ''}`]);
  document.getElementById('detail-facts').replaceChildren(...facts.flatMap(([k, val]) => [el('dt', {}, t(`incidents.fact.${k}`)), el('dd', {}, val)]));
  document.getElementById('clock-rows').replaceChildren(...v.clocks.map((c) => el('tr', { dataset: { clock: c.key, status: c.status } },
    el('td', {}, c.level ? t('incidents.clock.first', { level: LEVEL(c.level) }) : t('incidents.clock.followUp', { key: c.key })), el('td', {}, when(c.due)),
    el('td', {}, `${STATUS(c.status)}${c.reportedAt ? ` @ ${when(c.reportedAt)}` : ''}`),
    el('td', { class: 'clock' }, c.reportedAt ? '—' : left(c.due, now)))));
  const level = document.querySelector('#report-form select[name=level]');
  const levels = i.requiredLevels.map((r) => r.level);
  if (level.dataset.levels !== `${levels.join()}|${currentLanguage()}`) {
    level.replaceChildren(...levels.map((l) => el('option', { value: l }, LEVEL(l))));
    level.dataset.levels = `${levels.join()}|${currentLanguage()}`;
  }
  for (const form of ['report-form', 'close-form']) document.getElementById(form).hidden = i.status !== 'open';
}

async function loadHistory() {
  const entries = await getJson(`/api/incidents/records/${encodeURIComponent(selectedId)}/history`);
  document.getElementById('history').replaceChildren(...entries.map((e) =>
    el('li', { dataset: { action: e.action } }, `${when(e.at)} ${tOr(`incidents.action.${e.action}`, e.action)} · ${e.actor}${e.note ? ` — ${e.note}` : ''}`)));
}

async function select(id) {
  selectedId = id;
  renderDetail();
  await loadHistory();
}

async function sync() {
  const open = document.getElementById('only-open').checked;
  const list = await getJson(`/api/incidents/records?open=${open}`);
  incidents.clear();
  for (const v of list) keep(v);
  renderList();
}

function result(text, error = false) {
  const p = document.getElementById('action-result');
  p.textContent = text;
  p.classList.toggle('error', error);
}

async function act(path, body, done) {
  try {
    const v = await postJson(path, body);
    keep(v);
    result(done(v));
    renderList();
    await loadHistory();
  } catch (error) {
    result(error.message, true);
  }
}

const number = (value) => (value === '' || value == null ? undefined : Number(value));

document.getElementById('new').addEventListener('click', () => {
  const form = document.getElementById('open-form');
  form.hidden = !form.hidden;
});
document.getElementById('open-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const f = new FormData(event.target);
  try {
    const v = await postJson('/api/incidents/records', {
      actor: signedInName(), title: f.get('title'), type: f.get('type') || undefined, place: f.get('place') || undefined,
      alertIds: String(f.get('alertIds') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      deaths: number(f.get('deaths')), seriouslyInjured: number(f.get('seriouslyInjured')), missing: number(f.get('missing')),
      directLossYuan: number(f.get('directLossYuan')), exercise: f.get('exercise') === 'on',
    });
    keep(v);
    event.target.hidden = true;
    event.target.reset();
    renderList();
    await select(v.incident.incidentId);
    result(t('incidents.recorded', { grade: grade(v) }));
  } catch (error) {
    result(error.message, true);
  }
});
document.getElementById('report-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const f = new FormData(event.target);
  await act(`/api/incidents/records/${encodeURIComponent(selectedId)}/reports`, {
    actor: signedInName(), kind: f.get('kind'), level: f.get('level'), to: f.get('to'), content: f.get('content'), deaths: number(f.get('deaths')),
  }, (v) => t('incidents.report.done', { kind: KIND(f.get('kind')), level: LEVEL(f.get('level')), grade: grade(v) }));
  event.target.querySelector('[name=deaths]').value = '';
});
document.getElementById('close-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const f = new FormData(event.target);
  await act(`/api/incidents/records/${encodeURIComponent(selectedId)}/close`, {
    actor: signedInName(), note: f.get('note'), supervisingBody: f.get('supervisingBody') || undefined,
  }, () => t('incidents.close.done'));
});
document.getElementById('only-open').addEventListener('change', sync);

// Clocks pushed by the server to the duty room and the leader on duty: shown at the top until the next one.
function onClock(notice) {
  const banner = document.getElementById('pushed');
  banner.hidden = false;
  banner.textContent = notice.message;
  sync();
}

const hub = connectHub({ incidentClock: onClock }, async () => {
  await hub.invoke('JoinUser', signedInName()).catch(() => {});
  await sync();
}, showConnection);
setInterval(renderList, 1000); // countdowns
bindLanguageSwitch(document.getElementById('language'), () => {
  renderList();
  if (selectedId) loadHistory();
});
