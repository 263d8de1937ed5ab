// Shared by the wall display and the on-call page: colours, labels, API calls and the live SignalR connection.

export const COLOURS = { red: '#e53935', orange: '#fb8c00', yellow: '#fdd835', blue: '#1e88e5', none: '#546e7a' };
export const LEVEL_RANK = { none: 0, blue: 1, yellow: 2, orange: 3, red: 4 };
export const LEVEL_LABEL = { red: '红 I', orange: '橙 II', yellow: '黄 III', blue: '蓝 IV', none: '—' };
export const STATE_LABEL = {
  open: 'open', acknowledged: 'acknowledged', in_progress: 'in progress', resolved: 'resolved', closed: 'closed',
};
// Minutes an alert may stay unacknowledged before it escalates (DESIGN.md §6 defaults).
export const ACK_TIMEOUT_MIN = { red: 5, orange: 15, yellow: 60, blue: 240 };

export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(`${path}: ${response.status} ${response.statusText}`);
  }
  return response.json();
}

export async function postJson(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const payload = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
  if (!response.ok) {
    const detail = payload?.detail ?? Object.values(payload?.errors ?? {}).flat().join(' ') ?? response.statusText;
    throw new Error(detail || `${response.status}`);
  }
  return payload;
}

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const time = (iso) => (iso ? new Date(iso).toLocaleTimeString('zh-CN', { hour12: false }) : '—');
export const ago = (iso, now = Date.now()) => {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
};

/** Worst and newest first: live conditions, then severity, then raise time. */
export function compareAlerts(a, b) {
  return (b.conditionActive - a.conditionActive)
    || (LEVEL_RANK[b.severity] - LEVEL_RANK[a.severity])
    || (new Date(b.raisedAt) - new Date(a.raisedAt));
}

/** Past its acknowledgement timeout and still unacknowledged: the clock the escalation runs on. */
export function overdue(alert, now = Date.now()) {
  return alert.state === 'open' && now - new Date(alert.raisedAt).getTime() > (ACK_TIMEOUT_MIN[alert.severity] ?? 60) * 60_000;
}

/**
 * Connects to /hubs/risk with automatic reconnect. `onSync` runs after every (re)connect so that the page reloads
 * its snapshot: whatever happened while disconnected is then on screen.
 */
export function connectHub(handlers, onSync, onStatus) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/risk')
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(10_000, 500 * 2 ** ctx.previousRetryCount) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  for (const [method, handler] of Object.entries(handlers)) {
    connection.on(method, handler);
  }
  window.riskHub = connection; // lets the browser tests drop the link on purpose
  connection.onreconnecting(() => onStatus('reconnecting'));
  connection.onreconnected(async () => { onStatus('live'); await onSync(); });
  connection.onclose(() => { onStatus('offline'); setTimeout(start, 2000); });

  async function start() {
    try {
      onStatus('connecting');
      await connection.start();
      onStatus('live');
      await onSync();
    } catch {
      onStatus('offline');
      setTimeout(start, 2000);
    }
  }
  start();
  return connection;
}

/** Runs `render` at most once per `ms`, however many updates arrive: an alert storm cannot freeze the page. */
export function coalesce(render, ms = 250) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; requestAnimationFrame(render); }, ms);
  };
}

/** A short two-tone beep for a new red alert (no audio file to ship). */
export function beep() {
  try {
    const ctx = new AudioContext();
    [880, 660].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.18);
      osc.stop(ctx.currentTime + i * 0.18 + 0.15);
    });
  } catch {
    // no audio device (a wall PC without speakers): the visual cue is enough
  }
}
