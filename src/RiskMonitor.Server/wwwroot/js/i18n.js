// One language at a time (issue 23): every label, industry, kind, state and rule message comes from one message file
// per language (/i18n/zh.json, /i18n/en.json, the same keys in both). Chinese by default; the choice is kept per browser.
const LANG_KEY = 'rm.lang';
export const LANGUAGES = ['zh', 'en'];

let lang = LANGUAGES.includes(localStorage.getItem(LANG_KEY)) ? localStorage.getItem(LANG_KEY) : 'zh';
let messages = {};

let loaded = null; // the language whose messages are in `messages`

/** Loads the chosen language's messages; call (and await) before the first render. */
export async function loadLanguage(next = lang) {
  const response = await fetch(`/i18n/${next}.json`, { headers: { Accept: 'application/json' } });
  messages = await response.json();
  lang = next;
  loaded = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  translateDom();
  return lang;
}

export const currentLanguage = () => lang;

/** The kept language's messages, loaded once: what a page needs before it shows anything (the sign-in form too). */
export const ensureLanguage = () => (loaded === lang ? Promise.resolve(lang) : loadLanguage(lang));

/** The message for `key` with {name} placeholders filled; a missing key shows itself, so a gap is visible in review. */
export function t(key, params = {}) {
  const text = messages[key];
  if (text === undefined) return key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] ?? ''));
}

/** `t(key)` when the file has the key, else the fallback (a server-side name the files do not know yet). */
export const tOr = (key, fallback) => (messages[key] === undefined ? fallback : t(key));

/** Fills every element marked data-i18n="key" (its text), data-i18n-title="key" or data-i18n-placeholder="key". */
export function translateDom(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
}

export const levelName = (level) => t(`level.${level ?? 'none'}`);
export const badge = (level) => tOr(`badge.${level}`, '—');
export const industryName = (industry) => tOr(`industry.${industry}`, industry);
export const kindName = (kind) => tOr(`kind.${kind}`, kind);
export const stateName = (state) => tOr(`state.${state}`, state);

const metricName = (metric) => tOr(`metric.${metric}`, metric);
const unitOf = (metric) => tOr(`unit.${metric}`, '');
const round = (x) => (typeof x === 'number' ? Number(x.toFixed(1)) : x);
const SENSOR_FAULT = /\.(impossible|stuck|spike)$/;

/**
 * The alert's message in the page's language, built from its fields so it states the level the colour shows
 * (decision 0044): the server's sentence is English and stays in `message` for integrators; the page needs only
 * the rule's family and its numbers, which every alert carries. Rules the files know by id (offline, entrapment,
 * geofence) have their own text; a sensor fault is named by its rule id's suffix (`.impossible`, `.stuck`, `.spike`);
 * forecasts, rates and compound rules by the `details` their verdict records (docs/rules.md); any other rule on a metric
 * is a threshold: its current level, and its peak when it came down from a worse one. A rule without a metric that the
 * files do not know (a device event of the registry's own) shows the server's message.
 */
export function alertText(alert) {
  const value = round(alert.value);
  const known = `rule.${alert.ruleId}`;
  if (messages[known] !== undefined) return t(known, { value });
  if (!alert.metric) return alert.message;
  const metric = metricName(alert.metric);
  const unit = unitOf(alert.metric);
  const details = alert.details ?? {};
  const fault = SENSOR_FAULT.exec(alert.ruleId ?? '')?.[1];
  if (fault) {
    return alert.conditionActive ? t(`rule.sensor.${fault}`, { metric, value }) : t('rule.sensor.cleared', { metric });
  }
  if (!alert.conditionActive) return t('rule.cleared', { metric, peak: levelName(alert.severity) });
  const level = levelName(alert.level);
  if (details.secondsToThreshold !== undefined) {
    return t('rule.forecast', {
      metric, unit, level, threshold: round(details.threshold), now: round(details.levelNow ?? alert.value),
      minutes: Math.max(1, Math.round(details.secondsToThreshold / 60)),
    });
  }
  if (details.ratePerMinute !== undefined) return t('rule.rate', { metric, unit, level, rate: round(details.ratePerMinute) });
  if (Object.keys(details).some((k) => /^condition\d+\.holds$/.test(k))) {
    const values = Object.entries(details).filter(([k]) => !k.includes('.'))
      .map(([m, v]) => `${metricName(m)} ${round(v)} ${unitOf(m)}`.trim()).join(currentLanguage() === 'zh' ? '、' : ', ');
    return t('rule.compound', { values, level });
  }
  const text = t('rule.threshold', { metric, value, unit, level });
  const peak = alert.severity !== alert.level && alert.level !== 'none' ? t('rule.peak', { peak: levelName(alert.severity) }) : '';
  return text + peak;
}

/**
 * The page's language switch (a header button marked data-i18n="lang.switch", which names the other language): loads
 * the other file, refills the marked elements and asks the page to redraw what it built from messages.
 */
export function bindLanguageSwitch(button, redraw = () => {}) {
  button?.addEventListener('click', async () => {
    await loadLanguage(lang === 'zh' ? 'en' : 'zh');
    redraw();
  });
}

/** A clock time in the page's language (24 h either way). */
export const clockTime = (iso) => (iso ? new Date(iso).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false }) : '—');

/** A date and time in the page's language (24 h either way). */
export const dateTime = (iso) => (iso ? new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false }) : '—');

export function agoText(iso, now = Date.now()) {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  return s < 60 ? t('time.ago.s', { n: s }) : s < 3600 ? t('time.ago.m', { n: Math.floor(s / 60) }) : t('time.ago.h', { n: Math.floor(s / 3600) });
}
