// One language at a time (issue 23): every label, industry, kind, state and rule message comes from one message file
// per language (/i18n/zh.json, /i18n/en.json, the same keys in both). Chinese by default; the choice is kept per browser.
const LANG_KEY = 'rm.lang';
export const LANGUAGES = ['zh', 'en'];

let lang = LANGUAGES.includes(localStorage.getItem(LANG_KEY)) ? localStorage.getItem(LANG_KEY) : 'zh';
let messages = {};

/** Loads the chosen language's messages; call (and await) before the first render. */
export async function loadLanguage(next = lang) {
  const response = await fetch(`/i18n/${next}.json`, { headers: { Accept: 'application/json' } });
  messages = await response.json();
  lang = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  translateDom();
  return lang;
}

export const currentLanguage = () => lang;

/** The message for `key` with {name} placeholders filled; a missing key shows itself, so a gap is visible in review. */
export function t(key, params = {}) {
  const text = messages[key];
  if (text === undefined) return key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] ?? ''));
}

/** `t(key)` when the file has the key, else the fallback (a server-side name the files do not know yet). */
export const tOr = (key, fallback) => (messages[key] === undefined ? fallback : t(key));

/** Fills every element marked data-i18n="key" (its text) or data-i18n-title="key" (its title). */
export function translateDom(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
}

export const levelName = (level) => t(`level.${level ?? 'none'}`);
export const badge = (level) => tOr(`badge.${level}`, '—');
export const industryName = (industry) => tOr(`industry.${industry}`, industry);
export const kindName = (kind) => tOr(`kind.${kind}`, kind);
export const stateName = (state) => tOr(`state.${state}`, state);

/**
 * The alert's message in the page's language, built from its fields so it states the level the colour shows: a
 * threshold alert names its current level (and its peak when it came down from a worse one); rules the files know by
 * id (offline, entrapment, geofence) have their own text; anything else falls back to the server's message.
 */
export function alertText(alert) {
  const value = typeof alert.value === 'number' ? Number(alert.value.toFixed(1)) : alert.value;
  if (alert.metric && messages[`metric.${alert.metric}`] && /\.(high|low)$/.test(alert.ruleId)) {
    if (!alert.conditionActive) return t('rule.cleared', { metric: t(`metric.${alert.metric}`), peak: levelName(alert.severity) });
    const text = t('rule.threshold', {
      metric: t(`metric.${alert.metric}`), value, unit: tOr(`unit.${alert.metric}`, ''), level: levelName(alert.level),
    });
    const peak = alert.severity !== alert.level && alert.level !== 'none' ? t('rule.peak', { peak: levelName(alert.severity) }) : '';
    return text + peak;
  }
  const key = `rule.${alert.ruleId}`;
  return messages[key] === undefined ? alert.message : t(key, { value });
}

export function agoText(iso, now = Date.now()) {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  return s < 60 ? t('time.ago.s', { n: s }) : s < 3600 ? t('time.ago.m', { n: Math.floor(s / 60) }) : t('time.ago.h', { n: Math.floor(s / 3600) });
}
