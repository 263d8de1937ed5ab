// The command-centre wall display: four-colour map, counts, KPIs and the live alert stream.
// State lives in plain maps; SignalR messages update them and a coalesced render draws at most 4 frames a second.
import {
  COLOURS, LEVEL_LABEL, LEVEL_RANK, beep, coalesce, compareAlerts, connectHub, el, getJson, overdue, requireSignIn, time, ago,
} from './common.js';

const auth = await requireSignIn(); // the API and the hub want a token: nothing loads before someone signs in

const state = {
  alerts: new Map(), // alertId -> alert (not closed)
  regions: new Map(), // regionId -> region summary (from regionChanged or the snapshot)
  mapProps: new Map(), // regionId -> properties of the map feature (for the chosen layer and industry)
  regionLayers: new Map(), // regionId -> Leaflet layer
  assetLayers: new Map(), // assetId -> Leaflet layer
  assetFeatures: new Map(), // assetId -> properties of the asset's map feature
  cityId: null,
  connection: 'connecting',
  lastSync: null,
};
window.riskWall = state; // read by the browser tests and handy in the console
const assetProps = new Map(); // assetId -> latest assetChanged payload

const selects = {
  layer: document.getElementById('layer'),
  industry: document.getElementById('industry'),
  level: document.getElementById('level'),
};

const map = L.map('map', { zoomControl: false, attributionControl: false, preferCanvas: false });
const regionGroup = L.geoJSON(null, { style: regionStyle, onEachFeature: bindRegion }).addTo(map);
const assetGroup = L.geoJSON(null, {
  style: (f) => ({ color: colourOfAsset(f.properties), weight: 3, opacity: 0.9 }),
  pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: f.properties.kind === 'hazard_source' ? 6 : 3, weight: 1, color: '#000', fillOpacity: 0.95, fillColor: colourOfAsset(f.properties) }),
  onEachFeature: (f, layer) => {
    state.assetLayers.set(f.properties.assetId, layer);
    state.assetFeatures.set(f.properties.assetId, f.properties);
    layer.bindTooltip(() => `${f.properties.name ?? f.properties.assetId} · ${f.properties.kind}`);
  },
}).addTo(map);

const config = await getJson('/api/ui/config').catch(() => ({}));
if (config.tileUrl) {
  // Offline by default: a tile server only when an operator configures one.
  L.tileLayer(config.tileUrl, { maxZoom: 19, opacity: 0.35 }).addTo(map).bringToBack();
}

function layerName() { return selects.layer.value; }

// A region's colour for the chosen layer and industry: from its live summary (regionChanged / GET /api/regions) when
// there is one, else from the map feature, which the server already computed for the chosen layer and industry.
function colourOfRegion(regionId) {
  const live = state.regions.get(regionId);
  const tally = live?.[layerName()];
  const industry = selects.industry.value;
  if (tally) return COLOURS[(industry ? tally.byIndustry?.[industry]?.highest : tally.highest) ?? 'none'];
  return COLOURS[state.mapProps.get(regionId)?.colour ?? 'none'];
}

function colourOfAsset(props) {
  const live = assetProps.get(props.assetId);
  const inherent = layerName() === 'inherent';
  const colour = live ? (inherent ? live.inherentLevel : live.colour) : (inherent ? props.inherentColour : props.dynamicColour);
  return COLOURS[colour ?? 'none'];
}

function regionStyle(feature) {
  return { color: '#0b1220', weight: 1, fillColor: colourOfRegion(feature.properties.regionId), fillOpacity: 0.45 };
}

function bindRegion(feature, layer) {
  state.regionLayers.set(feature.properties.regionId, layer);
  layer.bindTooltip(() => {
    const p = state.mapProps.get(feature.properties.regionId) ?? feature.properties;
    const c = state.regions.get(p.regionId)?.[layerName()]?.counts ?? p.counts ?? {};
    return `${p.name ?? p.regionId}<br>红 ${c.red ?? 0} · 橙 ${c.orange ?? 0} · 黄 ${c.yellow ?? 0} · 蓝 ${c.blue ?? 0}`
      + (p.supervisorName ? `<br>负责人 ${p.supervisorName} ${p.supervisorPhone ?? ''}` : '');
  });
}

async function loadMap() {
  const industry = selects.industry.value ? `&industry=${encodeURIComponent(selects.industry.value)}` : '';
  const [regions, assets] = await Promise.all([
    getJson(`/api/map/regions?level=${selects.level.value}&layer=${layerName()}${industry}`).catch(() => null),
    getJson(`/api/map/assets?layer=${layerName()}${industry}`).catch(() => null),
  ]);
  regionGroup.clearLayers();
  state.regionLayers.clear();
  if (regions) {
    for (const f of regions.features) state.mapProps.set(f.properties.regionId, f.properties);
    regionGroup.addData(regions);
  }
  assetGroup.clearLayers();
  state.assetLayers.clear();
  state.assetFeatures.clear();
  if (assets) assetGroup.addData(assets);
  const bounds = regions?.features?.length ? regionGroup.getBounds() : assetGroup.getBounds();
  if (bounds.isValid() && !state.fitted) {
    map.fitBounds(bounds, { padding: [10, 10] });
    state.fitted = true;
  }
}

// The city's summary with its districts (both layers, per industry) feeds the two tables. An account scoped to regions
// gets its own regions instead: the city's figures sum up assets it may not see, and the server refuses them.
const scopedRegions = auth.regions?.length ? auth.regions : null;

async function loadSummaries() {
  let roots = scopedRegions;
  if (!roots) {
    const city = await getJson('/api/map/regions?level=city').catch(() => null);
    state.cityId = city?.features?.[0]?.properties?.regionId ?? null;
    if (!state.cityId) return;
    roots = [state.cityId];
  }
  const summaries = await Promise.all(roots.map((id) => getJson(`/api/regions/${encodeURIComponent(id)}`).catch(() => null)));
  const known = new Set([...selects.industry.options].map((o) => o.value));
  for (const summary of summaries.filter(Boolean)) {
    for (const region of [summary, ...(summary.children ?? [])]) {
      const { children, ...rest } = region;
      state.regions.set(region.regionId, rest);
    }
    for (const name of Object.keys(summary.dynamic?.byIndustry ?? {})) {
      if (!known.has(name)) { selects.industry.append(el('option', { value: name }, name)); known.add(name); }
    }
  }
}

// Hazard ledger and duty roster figures: slow-moving, so polled rather than pushed.
async function loadLedgers() {
  // The roster list (not /api/duty/now, which is a 404 when nobody is on duty) so an empty roster is not an error.
  const [stats, shifts] = await Promise.all([
    getJson('/api/hazards/stats').catch(() => null),
    getJson('/api/duty/shifts').catch(() => []),
  ]);
  const now = Date.now();
  const duty = shifts.find((s) => new Date(s.startsAt) <= now && now < new Date(s.endsAt));
  if (stats) {
    document.getElementById('kpi-hazards-overdue').textContent = stats.overdue;
    const closed = (stats.byStatus?.verified ?? 0);
    document.getElementById('kpi-hazards-open').textContent = stats.total - closed;
  } else {
    // City-wide figures a scoped account may not read: say so rather than show a zero.
    document.getElementById('kpi-hazards-overdue').textContent = '—';
    document.getElementById('kpi-hazards-open').textContent = '—';
  }
  document.getElementById('kpi-duty').textContent = duty ? `${duty.officer} / ${duty.leader}` : '—';
}

async function loadAlerts() {
  const page = await getJson('/api/alerts?limit=10000');
  state.alerts = new Map(page.items.map((a) => [a.alertId, a]));
}

// A fresh snapshot after every (re)connect: whatever changed while the link was down is on screen again.
async function sync() {
  // Region changes go only to the groups that asked (groups do not survive a reconnect): the wall shows every region
  // its viewer may see (city-wide, or the regions the account is scoped to).
  const scope = auth.regions?.length ? auth.regions : ['*'];
  await Promise.all(scope.map((regionId) => window.riskHub.invoke('JoinRegion', regionId)));
  await Promise.all([loadAlerts(), loadSummaries(), loadLedgers()]);
  await loadMap();
  state.lastSync = new Date().toISOString();
  schedule();
}

function renderKpis() {
  const active = [...state.alerts.values()].filter((a) => a.conditionActive);
  for (const level of ['red', 'orange', 'yellow', 'blue']) {
    document.getElementById(`kpi-${level}`).textContent = active.filter((a) => a.severity === level).length;
  }
  document.getElementById('kpi-overdue').textContent = [...state.alerts.values()].filter((a) => overdue(a)).length;
  document.getElementById('kpi-cleared').textContent = [...state.alerts.values()].filter((a) => !a.conditionActive).length;
}

function countsRow(label, counts, key, colour) {
  return el('tr', { dataset: { key, colour: colour ?? 'none' } }, el('td', {}, el('span', { class: 'swatch', style: `background:${COLOURS[colour ?? 'none']}` }), label),
    ...['red', 'orange', 'yellow', 'blue'].map((c) => el('td', { class: `c ${c}` }, counts?.[c] ?? 0)));
}

function renderTables() {
  const layer = layerName();
  const districts = (scopedRegions ? scopedRegions.map((id) => state.regions.get(id)).filter(Boolean)
    : [...state.regions.values()].filter((r) => r.level === 'district'))
    .sort((a, b) => (LEVEL_RANK[b[layer]?.highest ?? 'none'] - LEVEL_RANK[a[layer]?.highest ?? 'none']) || a.name.localeCompare(b.name));
  // The district's highest colour marks its row, so the worst districts read first and at a glance.
  document.querySelector('#districts tbody').replaceChildren(
    ...districts.map((d) => countsRow(d.name, d[layer]?.counts, d.regionId, d[layer]?.highest)));
  // A scoped account's industries are those of its first region (one region is the usual case: a grid officer's).
  const city = state.regions.get(state.cityId ?? scopedRegions?.[0]);
  const industries = Object.entries(city?.[layer]?.byIndustry ?? {});
  document.querySelector('#industries tbody').replaceChildren(
    ...industries.map(([name, tally]) => countsRow(name, tally.counts, name, tally.highest)));
}

function renderTicker() {
  const items = [...state.alerts.values()].sort(compareAlerts).slice(0, 40);
  const now = Date.now();
  document.getElementById('ticker').replaceChildren(...items.map((a) => el('li', {
    dataset: { alertId: a.alertId, severity: a.severity, active: String(a.conditionActive), state: a.state },
    class: fresh.has(a.alertId) ? 'fresh' : '',
  },
  el('span', { class: 'sev' }, LEVEL_LABEL[a.severity]),
  el('span', {}, `${a.assetName} · ${a.message}`, el('div', { class: 'meta' }, `${a.regionId} · ${a.state}${a.conditionActive ? '' : ' · cleared'}`)),
  el('span', { class: 'meta' }, `${time(a.raisedAt)} (${ago(a.raisedAt, now)})`))));
  fresh.clear();
}

function renderMap() {
  regionGroup.setStyle(regionStyle);
  for (const assetId of changedAssets) {
    const layer = state.assetLayers.get(assetId);
    const props = state.assetFeatures.get(assetId);
    if (!layer || !props) continue;
    const colour = colourOfAsset(props);
    layer.setStyle(layer instanceof L.CircleMarker ? { fillColor: colour } : { color: colour });
  }
  changedAssets.clear();
}

const fresh = new Set();
const changedAssets = new Set();
const schedule = coalesce(() => { renderKpis(); renderTables(); renderTicker(); renderMap(); });

function onAlert(alert) {
  const known = state.alerts.has(alert.alertId);
  if (alert.state === 'closed') state.alerts.delete(alert.alertId);
  else state.alerts.set(alert.alertId, alert);
  if (!known) {
    fresh.add(alert.alertId);
    if (alert.severity === 'red' && !alert.silencedBy) beep(); // a silenced alert is shown, not announced
  }
  schedule();
}

connectHub({
  alertRaised: onAlert,
  alertUpdated: onAlert,
  alertCleared: onAlert,
  assetChanged: (asset) => { assetProps.set(asset.assetId, asset); changedAssets.add(asset.assetId); schedule(); },
  regionChanged: (region) => { state.regions.set(region.regionId, { ...state.regions.get(region.regionId), ...region }); schedule(); },
}, sync, (status) => {
  state.connection = status;
  const badge = document.getElementById('connection');
  badge.dataset.status = status;
  badge.textContent = status;
});

for (const select of Object.values(selects)) {
  select.addEventListener('change', async () => { await loadMap(); schedule(); });
}

const tick = () => { document.getElementById('clock').textContent = new Date().toLocaleTimeString('zh-CN', { hour12: false }); };
tick();
setInterval(tick, 1000);
setInterval(schedule, 15_000); // ages and overdue counts move with the clock
setInterval(loadLedgers, 30_000);
