// The rule editor and backtest page (issue 22, docs/decisions/0043): the rule document in force, a preview of the
// assets a change affects before it is applied, the change itself with its reason, the versions with rollback, and a
// backtest of the edited document against the live rules on stored readings. A supervisor's page: the API refuses
// anyone else, and the page says so.
import { el, getJson, postJson, putJson, requireSignIn, time } from './common.js';

await requireSignIn();

const $ = (id) => document.getElementById(id);
const status = $('connection');
const message = $('message');
const LEVELS = ['red', 'orange', 'yellow', 'blue'];
const state = { version: 0, job: null, preview: null, backtest: null };
window.riskRules = state;

function say(text, ok = false) {
  message.textContent = text;
  message.classList.toggle('ok', ok);
  message.hidden = !text;
}

async function load() {
  const rules = await getJson('/api/rules');
  state.version = rules.current.version;
  $('document').value = rules.current.document;
  $('version').textContent =
    `v${rules.current.version} · ${rules.current.action} · ${rules.current.author} · ${time(rules.current.createdAt)} · in force here v${rules.appliedVersion}`;
  const history = await getJson('/api/rules/versions');
  $('history').replaceChildren(...history.map((v) => el('li', { dataset: { version: v.version } },
    `v${v.version} ${v.action}${v.restoredFrom ? ` of v${v.restoredFrom}` : ''} · ${v.author} · ${new Date(v.createdAt).toLocaleString('zh-CN', { hour12: false })} · ${v.summary} · ${v.reason} `,
    v.version === state.version ? el('span', { class: 'muted' }, '(current)')
      : el('button', { type: 'button', class: 'tab', onclick: () => rollback(v.version) }, '回滚 roll back'))));
}

function affectedTable(result) {
  const rows = result.assets.map((a) => el('tr', {},
    el('td', {}, a.assetId), el('td', {}, a.kind),
    el('td', {}, a.added.join(', ')), el('td', {}, a.removed.join(', ')), el('td', {}, a.changed.join(', '))));
  return [
    el('p', {}, `${result.affectedCount} asset(s) change${result.truncated ? ' (first ones listed)' : ''}: ${result.summary ?? ''}`),
    result.unknownOverrideAssets.length ? el('p', { class: 'muted' }, `overrides for assets not in the registry: ${result.unknownOverrideAssets.join(', ')}`) : '',
    rows.length ? el('table', { class: 'numbers' },
      el('tr', {}, ...['asset', 'kind', 'added', 'removed', 'changed'].map((h) => el('th', {}, h))), ...rows) : '',
  ];
}

async function preview() {
  try {
    const result = await postJson('/api/rules/preview', { document: $('document').value });
    state.preview = result;
    $('preview-result').replaceChildren(...affectedTable(result));
    say('');
  } catch (error) {
    say(`预览失败 not valid: ${error.message}`);
  }
}

async function apply() {
  try {
    const result = await putJson('/api/rules', { baseVersion: state.version, document: $('document').value, reason: $('reason').value });
    $('preview-result').replaceChildren(...affectedTable({ ...result, summary: result.version.summary }));
    say(`已应用 applied as v${result.version.version}`, true);
    await load();
  } catch (error) {
    say(`未应用 not applied: ${error.message}`);
  }
}

async function rollback(version) {
  const reason = $('reason').value || `roll back to v${version}`;
  try {
    const result = await postJson('/api/rules/rollback', { toVersion: version, baseVersion: state.version, reason });
    say(`已回滚 v${version} restored as v${result.version.version}`, true);
    await load();
  } catch (error) {
    say(`未回滚 not rolled back: ${error.message}`);
  }
}

function countsRow(label, c, against) {
  const cell = (key) => {
    const value = c[key];
    const cls = against ? (value > 0 ? 'more' : value < 0 ? 'fewer' : '') : key === 'red' && value > 0 ? 'red' : '';
    return el('td', { class: cls }, against && value > 0 ? `+${value}` : value);
  };
  return el('tr', {}, el('td', {}, label), ...['alarms', ...LEVELS, 'flapping'].map(cell));
}

function ledgerRow(label, d) {
  const seconds = (s) => (s === null || s === undefined ? '—' : `${Math.round(s)} s`);
  return el('tr', {}, el('td', {}, label), el('td', {}, d.realAlerts), el('td', {}, d.matched), el('td', {}, d.missed),
    el('td', {}, d.unmatched), el('td', {}, d.falseAlarmsStillRaised), el('td', {}, d.falseAlarmsAvoided),
    el('td', {}, seconds(d.medianSecondsToDetect)));
}

function renderBacktest(job) {
  state.backtest = job;
  $('bt-status').textContent = `${job.status} · ${job.assetsDone}/${job.assetsTotal} assets · ${job.samplesReplayed} readings${job.error ? ` · ${job.error}` : ''}`;
  $('bt-status').dataset.status = job.status;
  $('bt-result').replaceChildren(
    el('table', { class: 'numbers', id: 'bt-counts' },
      el('tr', {}, ...['', 'alarms', ...LEVELS, 'flapping'].map((h) => el('th', {}, h))),
      countsRow('candidate', job.candidate), countsRow('live rules', job.live), countsRow('difference', job.difference, true)),
    el('table', { class: 'numbers', id: 'bt-ledger' },
      el('tr', {}, ...['vs alerts raised', 'real', 'matched', 'missed', 'no real alert', 'false alarms still raised', 'false alarms avoided', 'median time to detect']
        .map((h) => el('th', {}, h))),
      ledgerRow('candidate', job.candidateVsLedger), ledgerRow('live rules', job.liveVsLedger)));
}

async function pollBacktest(jobId) {
  const job = await getJson(`/api/rules/backtests/${encodeURIComponent(jobId)}`);
  renderBacktest(job);
  const running = job.status === 'queued' || job.status === 'running';
  $('cancel-backtest').disabled = !running;
  if (running) setTimeout(() => pollBacktest(jobId).catch((error) => say(error.message)), 1000);
}

async function runBacktest() {
  const assetIds = $('bt-assets').value.split(/[\s,]+/).filter(Boolean);
  const body = {
    document: $('document').value,
    assetIds: assetIds.length ? assetIds : null,
    kind: assetIds.length ? null : $('bt-kind').value || null,
    from: $('bt-from').value ? new Date($('bt-from').value).toISOString() : null,
    to: $('bt-to').value ? new Date($('bt-to').value).toISOString() : null,
  };
  try {
    const job = await postJson('/api/rules/backtests', body);
    state.job = job.jobId;
    say('');
    await pollBacktest(job.jobId);
  } catch (error) {
    say(`回测失败 backtest refused: ${error.message}`);
  }
}

// A suggestion (docs/decisions/0055) is written into the editor as an ordinary edit and backtested at once; it is only
// applied when a person previews it, gives a reason and presses apply.
async function suggest() {
  const assetIds = $('bt-assets').value.split(/[\s,]+/).filter(Boolean);
  const body = {
    ruleId: $('sg-rule').value.trim() || null,
    assetId: assetIds[0] ?? null,
    kind: assetIds.length ? null : $('bt-kind').value || null,
    from: $('bt-from').value ? new Date($('bt-from').value).toISOString() : null,
    to: $('bt-to').value ? new Date($('bt-to').value).toISOString() : null,
    document: $('document').value,
  };
  try {
    const result = await postJson('/api/rules/suggestions', body);
    const value = (v) => (v === null || v === undefined ? '—' : v);
    $('sg-result').replaceChildren(
      el('p', {}, `${result.ruleId} on ${result.assetId ?? `kind ${result.kind}`} · ${result.samples} readings, ${result.normalSamples} normal · ${result.falseAlarms} false alarm(s)`
        + ` · ${Object.entries(result.percentiles).map(([k, v]) => `${k} ${v}`).join(', ')}`),
      el('table', { class: 'numbers', id: 'sg-levels' },
        el('tr', {}, ...['level', 'now', 'suggested', 'basis', 'why'].map((h) => el('th', {}, h))),
        ...result.levels.map((l) => el('tr', { dataset: { level: l.level } }, el('td', {}, l.level), el('td', {}, l.current),
          el('td', { class: l.suggested === l.current ? '' : 'more' }, value(l.suggested)), el('td', {}, l.basis), el('td', {}, l.reason)))),
      ...result.notes.map((n) => el('p', { class: 'muted' }, n)));
    if (result.document) {
      $('document').value = result.document;
      say('建议已写入编辑器 the suggestion is in the editor: compare its backtest below, preview, give a reason and apply it yourself', true);
    } else {
      say('无建议 nothing to change: the history gives no better thresholds');
    }
    if (result.backtest) {
      state.job = result.backtest.jobId;
      await pollBacktest(result.backtest.jobId);
    }
  } catch (error) {
    say(`建议失败 no suggestion: ${error.message}`);
  }
}

function localInput(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}

$('preview').addEventListener('click', preview);
$('apply').addEventListener('click', apply);
$('reload').addEventListener('click', () => load().catch((error) => say(error.message)));
$('run-backtest').addEventListener('click', runBacktest);
$('suggest').addEventListener('click', suggest);
$('cancel-backtest').addEventListener('click', () => state.job && postJson(`/api/rules/backtests/${encodeURIComponent(state.job)}/cancel`, {}));
const now = new Date();
$('bt-to').value = localInput(now);
$('bt-from').value = localInput(new Date(now.getTime() - 24 * 3600 * 1000));

try {
  await load();
  status.dataset.status = 'live';
  status.textContent = 'live';
} catch (error) {
  status.dataset.status = 'offline';
  status.textContent = 'offline';
  say(error.message);
}
