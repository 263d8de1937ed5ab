// The command-centre wall: the four-colour map over a base map of the city, live alert markers and hazmat vehicles,
// counts, KPIs, time panels and the alert stream. State lives in plain maps; SignalR messages update them and one
// coalesced render draws at most 4 frames a second, however many messages arrive (an alert storm).
import {
  COLOURS, LEVEL_RANK, beep, coalesce, compareAlerts, connectHub, el, getJson, overdue, requireSignIn, showConnection,
} from './common.js';
import {
  agoText, alertText, badge, currentLanguage, industryName, kindName, levelName, loadLanguage, stateName, t, translateDom,
} from './i18n.js';
import { groupAlerts, levelShown, raisedMs } from './wall-groups.js';
import { createHazardLayer } from './wall-hazards.js';
import { renderAck, renderPerHour, renderRoster } from './wall-panels.js';

await loadLanguage();
const auth = await requireSignIn(); // the API and the hub want a token: nothing loads before someone signs in

const state = {
  alerts: new Map(), // alertId -> alert (not closed)
  regions: new Map(), // regionId -> region summary (from regionChanged or the snapshot)
  mapProps: new Map(), // regionId -> properties of the map feature (for the chosen layer and industry)
  regionLayers: new Map(), // regionId -> Leaflet layer
  assetLayers: new Map(), // assetId -> Leaflet layer
  assetFeatures: new Map(), // assetId -> properties of the asset's map feature
  alertMarkers: new Map(), // alertId -> pulsing marker
  vehicles: new Map(), // vehicleId -> { fix, marker }
  parents: new Map(), // regionId -> parentId (grid -> community -> street -> district)
  regionNames: new Map(), // regionId -> name
  focus: null, // { alertId, at } while a new red alert is being shown
  cityId: null,
  connection: 'connecting',
  lastSync: null,
  frames: 0, // renders done: the storm test compares it with the messages received
  messages: 0, // hub messages received
};
window.riskWall = state; // read by the browser tests and handy in the console
const assetProps = new Map(); // assetId -> latest assetChanged payload

const selects = {
  layer: document.getElementById('layer'),
  industry: document.getElementById('industry'),
  level: document.getElementById('level'),
};

// ---- The map: panes from bottom to top: base map, grid colours, assets, vehicles, alert markers. ----
// zoomSnap 0: the city is fitted exactly to the panel at any wall size, not rounded down to a whole zoom level
// (which left up to half of the panel empty on the old wall).
const map = L.map('map', { zoomControl: false, attributionControl: false, zoomSnap: 0, zoomDelta: 0.5 });
for (const [name, z] of [['base', 250], ['labels', 640], ['vehicles', 660], ['alerts', 670]]) {
  map.createPane(name).style.zIndex = z;
}
map.getPane('labels').style.pointerEvents = 'none';

const baseGroup = L.layerGroup().addTo(map);
const regionGroup = L.geoJSON(null, { style: regionStyle, onEachFeature: bindRegion }).addTo(map);
const assetGroup = L.geoJSON(null, {
  style: (f) => ({ color: colourOfAsset(f.properties), weight: 2, opacity: 0.75 }),
  pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: f.properties.kind === 'hazard_source' ? 5 : 2.5, weight: 0.5, color: '#000', fillOpacity: 0.9, fillColor: colourOfAsset(f.properties) }),
  onEachFeature: (f, layer) => {
    state.assetLayers.set(f.properties.assetId, layer);
    state.assetFeatures.set(f.properties.assetId, f.properties);
    layer.bindTooltip(() => `${f.properties.name ?? f.properties.assetId} · ${kindName(f.properties.kind)}`);
  },
}).addTo(map);
const alertGroup = L.layerGroup().addTo(map);
const vehicleGroup = L.layerGroup().addTo(map);
state.map = map; // the browser tests measure where the city and the alerts are on screen
const hazardLayer = createHazardLayer(map, () => remPx());
state.hazardLayer = hazardLayer.state;
const layers = { base: baseGroup, grid: regionGroup, assets: assetGroup, alerts: alertGroup, vehicles: vehicleGroup, hazards: hazardLayer.group };

const config = await getJson('/api/ui/config').catch(() => ({}));
if (config.tileUrl) {
  // Offline by default: a tile server only when an operator configures one.
  L.tileLayer(config.tileUrl, { maxZoom: 19, opacity: 0.35, pane: 'base' }).addTo(baseGroup);
}

function layerName() { return selects.layer.value; }

// A region's colour for the chosen layer and industry: from its live summary (regionChanged / GET /api/regions) when
// there is one, else from the map feature, which the server already computed for the chosen layer and industry.
function colourKeyOfRegion(regionId) {
  const live = state.regions.get(regionId);
  const tally = live?.[layerName()];
  const industry = selects.industry.value;
  if (tally) return (industry ? tally.byIndustry?.[industry]?.highest : tally.highest) ?? 'none';
  return state.mapProps.get(regionId)?.colour ?? 'none';
}

function colourOfAsset(props) {
  const live = assetProps.get(props.assetId);
  const inherent = layerName() === 'inherent';
  const colour = live ? (inherent ? live.inherentLevel : live.colour) : (inherent ? props.inherentColour : props.dynamicColour);
  return COLOURS[colour ?? 'none'];
}

// The grid colours lie over the base map like a wash: the worse the colour, the stronger it is, so red grids stand out
// and the streets, parks and names under blue and yellow ones stay readable (the old wall was a chessboard).
const FILL = { none: 0, blue: 0.1, yellow: 0.16, orange: 0.3, red: 0.45 };
function regionStyle(feature) {
  const key = colourKeyOfRegion(feature.properties.regionId);
  return { color: '#1d2a44', weight: 0.6, opacity: 0.9, fillColor: COLOURS[key], fillOpacity: FILL[key] ?? 0.1 };
}

function bindRegion(feature, layer) {
  state.regionLayers.set(feature.properties.regionId, layer);
  layer.bindTooltip(() => {
    const p = state.mapProps.get(feature.properties.regionId) ?? feature.properties;
    const c = state.regions.get(p.regionId)?.[layerName()]?.counts ?? p.counts ?? {};
    return `${p.name ?? p.regionId}<br>${['red', 'orange', 'yellow', 'blue'].map((l) => `${levelName(l)} ${c[l] ?? 0}`).join(' · ')}`
      + (p.supervisorName ? `<br>${p.supervisorName} ${p.supervisorPhone ?? ''}` : '');
  });
}

// ---- Base map: streets, water, parks, landmarks and district names from the city's own data (GET /api/map/base). ----
const BASE_STYLE = {
  city: { color: '#3b4d70', weight: 1.5, fillColor: '#101b30', fillOpacity: 1, dashArray: '6 4' },
  water: { stroke: false, fillColor: '#14365a', fillOpacity: 1 },
  park: { stroke: false, fillColor: '#183a2a', fillOpacity: 1 },
};

async function loadBaseMap() {
  const base = await getJson('/api/map/base').catch(() => null);
  if (!base) return;
  const features = base.features;
  const of = (layer) => features.filter((f) => f.properties.layer === layer);
  for (const layer of ['city', 'water', 'park']) {
    L.geoJSON({ type: 'FeatureCollection', features: of(layer) }, { pane: 'base', interactive: false, style: BASE_STYLE[layer] }).addTo(baseGroup);
  }
  L.geoJSON({ type: 'FeatureCollection', features: of('street') }, {
    pane: 'base', interactive: false,
    style: (f) => ({ color: f.properties.major ? '#41577f' : '#26344f', weight: f.properties.major ? 3 : 1.2, opacity: 1 }),
  }).addTo(baseGroup);
  const label = (f, cls) => L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
    pane: 'labels', interactive: false, keyboard: false,
    icon: L.divIcon({ className: `base-label ${cls}`, html: `<span>${f.properties.name}</span>`, iconSize: null }),
  }).addTo(baseGroup);
  // Main road names at the city's edge (west for north-south roads, south for east-west ones): readable, never on a grid's centre.
  for (const f of of('street').filter((s) => s.properties.major)) {
    const [a, b] = f.geometry.coordinates;
    const vertical = a[0] === b[0];
    const at = vertical ? [a[0], Math.min(a[1], b[1]) + 0.0045] : [Math.min(a[0], b[0]) + 0.034, a[1]];
    label({ properties: f.properties, geometry: { coordinates: at } }, vertical ? 'street vertical' : 'street');
  }
  for (const f of of('water')) {
    const ring = f.geometry.coordinates[0];
    const lon = f.properties.kind === 'river' ? 120.15 : ring.reduce((s, p) => s + p[0], 0) / ring.length;
    const lats = ring.filter((p) => Math.abs(p[0] - lon) < 0.01).map((p) => p[1]);
    const lat = lats.length ? (Math.min(...lats) + Math.max(...lats)) / 2 : ring[0][1];
    label({ properties: f.properties, geometry: { coordinates: [lon, lat] } }, 'water');
  }
  for (const f of of('park')) {
    const ring = f.geometry.coordinates[0];
    label({ properties: f.properties, geometry: { coordinates: [(ring[0][0] + ring[2][0]) / 2, (ring[0][1] + ring[2][1]) / 2] } }, 'park');
  }
  for (const f of of('landmark')) {
    L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
      pane: 'labels', interactive: false, keyboard: false,
      icon: L.divIcon({ className: `landmark ${f.properties.kind}`, html: f.properties.kind === 'hospital' ? '✚' : '◆', iconSize: [14, 14] }),
    }).addTo(baseGroup);
    if (f.properties.kind === 'hospital') label(f, 'hospital');
  }
  for (const f of of('district-label')) label(f, 'district');
  state.baseMap = features.length;
}

// The whole city in view: fitted to the panel at any wall size, with the base map running on past it on wide walls.
let cityBounds = null;
function fitCity() {
  if (cityBounds?.isValid()) map.fitBounds(cityBounds, { padding: [8, 8], animate: false });
}
new ResizeObserver(() => { map.invalidateSize(false); if (!state.focus) fitCity(); }).observe(document.getElementById('map-panel'));

async function loadMap() {
  const industry = selects.industry.value ? `&industry=${encodeURIComponent(selects.industry.value)}` : '';
  const [regions, assets] = await Promise.all([
    getJson(`/api/map/regions?level=${selects.level.value}&layer=${layerName()}${industry}`).catch(() => null),
    getJson(`/api/map/assets?layer=${layerName()}${industry}`).catch(() => null),
  ]);
  regionGroup.clearLayers();
  state.regionLayers.clear();
  if (regions) {
    for (const f of regions.features) {
      state.mapProps.set(f.properties.regionId, f.properties);
      state.parents.set(f.properties.regionId, f.properties.parentId);
      state.regionNames.set(f.properties.regionId, f.properties.name);
    }
    regionGroup.addData(regions);
  }
  assetGroup.clearLayers();
  state.assetLayers.clear();
  state.assetFeatures.clear();
  if (assets) assetGroup.addData(assets);
  const bounds = regions?.features?.length ? regionGroup.getBounds() : assetGroup.getBounds();
  if (bounds.isValid() && !cityBounds) {
    // A little of the river south of the city comes into view: a landmark everybody in the room knows.
    cityBounds = L.latLngBounds(bounds.getSouthWest(), bounds.getNorthEast()).extend([bounds.getSouth() - 0.005, bounds.getCenter().lng]);
    state.cityBounds = cityBounds;
    fitCity();
  }
  for (const alertId of [...state.alertMarkers.keys()]) dropMarker(alertId); // re-placed on the new asset layers
}

// Grid -> community -> street -> district, for grouping a storm by district in the ticker. Loaded once: the hierarchy
// does not change while the page is open (region files are not hot-reloaded).
async function loadHierarchy() {
  const levels = await Promise.all(['community', 'street', 'district'].map((level) => getJson(`/api/map/regions?level=${level}`).catch(() => null)));
  for (const collection of levels.filter(Boolean)) {
    for (const f of collection.features) {
      state.parents.set(f.properties.regionId, f.properties.parentId);
      state.regionNames.set(f.properties.regionId, f.properties.name);
      if (f.properties.level === 'district') state.districtIds = (state.districtIds ?? new Set()).add(f.properties.regionId);
    }
  }
}

function districtOf(regionId) {
  let id = regionId;
  for (let hops = 0; id && hops < 6; hops++) {
    if (state.districtIds?.has(id)) return id;
    id = state.parents.get(id);
  }
  return regionId;
}

// ---- Summaries, ledgers, time panels. ----
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
      if (!known.has(name)) { selects.industry.append(el('option', { value: name, dataset: { industry: name } }, industryName(name))); known.add(name); }
    }
  }
}

// Hazard ledger, KPIs and the duty roster: slow-moving, so polled rather than pushed. The hazard counts are city-wide
// figures a scoped account may not read (403): its wall shows a dash rather than a zero, without asking. The hourly
// KPIs (GET /api/kpis/hourly) the server counts over the account's own regions.
async function loadLedgers() {
  const [stats, shifts, hourly] = await Promise.all([
    scopedRegions ? null : getJson('/api/hazards/stats').catch(() => null),
    getJson('/api/duty/shifts').catch(() => null),
    getJson('/api/kpis/hourly').catch(() => null),
  ]);
  state.ledgers = { stats, shifts, hourly };
  schedule();
}

async function loadAlerts() {
  const page = await getJson('/api/alerts?limit=10000');
  state.alerts = new Map(page.items.map((a) => [a.alertId, a]));
  for (const alertId of [...state.alertMarkers.keys()]) if (!state.alerts.has(alertId)) dropMarker(alertId);
}

// A fresh snapshot after every (re)connect: whatever changed while the link was down is on screen again.
async function sync() {
  // Region changes go only to the groups that asked (groups do not survive a reconnect): the wall shows every region
  // its viewer may see (city-wide, or the regions the account is scoped to).
  const scope = auth.regions?.length ? auth.regions : ['*'];
  await Promise.all(scope.map((regionId) => window.riskHub.invoke('JoinRegion', regionId)));
  await Promise.all([loadAlerts(), loadSummaries(), loadLedgers(), hazardLayer.load()]);
  await loadMap();
  state.lastSync = new Date().toISOString();
  schedule();
}

// ---- Rendering (coalesced). ----
function renderKpis() {
  // Drill alerts are shown in the stream, marked, and counted nowhere (decision 0042); the banner says a drill is on.
  const drills = [...state.alerts.values()].filter((a) => a.drill);
  const banner = document.getElementById('drill-banner');
  banner.hidden = drills.length === 0;
  banner.textContent = `演练进行中 EXERCISE IN PROGRESS · ${[...new Set(drills.map((a) => a.drill))].join(', ')} · ${drills.length}`;
  const all = [...state.alerts.values()].filter((a) => !a.drill);
  const active = all.filter((a) => a.conditionActive);
  for (const level of ['red', 'orange', 'yellow', 'blue']) {
    document.getElementById(`kpi-${level}`).textContent = active.filter((a) => levelShown(a) === level).length;
  }
  document.getElementById('kpi-overdue').textContent = all.filter((a) => overdue(a)).length;
  document.getElementById('kpi-cleared').textContent = all.filter((a) => !a.conditionActive).length;
  const stats = state.ledgers?.stats;
  document.getElementById('kpi-hazards-overdue').textContent = stats ? stats.overdue : '—';
  document.getElementById('kpi-hazards-open').textContent = stats ? stats.total - (stats.byStatus?.verified ?? 0) : '—';
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
    ...industries.map(([name, tally]) => countsRow(industryName(name), tally.counts, name, tally.highest)));
}

const TICKER_LINES = 40;

function renderTicker() {
  const now = Date.now();
  const alerts = [...state.alerts.values()].sort(compareAlerts);
  const groups = groupAlerts(alerts, (a) => districtOf(a.regionId)).slice(0, TICKER_LINES);
  document.getElementById('ticker').replaceChildren(...groups.map((g) => (g.alerts.length === 1 ? alertLine(g.alerts[0], now) : groupLine(g, now))));
  fresh.clear();
}

function alertLine(a, now) {
  const level = levelShown(a);
  return el('li', {
    dataset: { alertId: a.alertId, severity: a.severity, level, active: String(a.conditionActive), state: a.state, drill: a.drill ?? '' },
    class: `${fresh.has(a.alertId) ? 'fresh' : ''}${a.drill ? ' drill' : ''}`,
  },
  el('span', { class: 'sev' }, badge(level)),
  el('span', { class: 'what' }, a.drill ? el('span', { class: 'tag-drill' }, '演练 EXERCISE') : '', el('b', {}, a.assetName), ` · ${alertText(a)}`,
    el('div', { class: 'meta' }, `${state.regionNames.get(districtOf(a.regionId)) ?? ''} ${state.regionNames.get(a.regionId) ?? a.regionId} · ${a.conditionActive ? stateName(a.state) : t('state.cleared')}`)),
  el('span', { class: 'meta when' }, agoText(a.raisedAt, now)));
}

// A storm is one line: how many, of what, where, with the first few assets named.
function groupLine(g, now) {
  const first = g.alerts[0];
  const level = g.level;
  const what = first.metric ? t(`metric.${first.metric}`) : alertText(first);
  return el('li', {
    class: `group${g.alerts.some((a) => fresh.has(a.alertId)) ? ' fresh' : ''}`,
    dataset: { group: g.key, count: String(g.alerts.length), severity: level, level, active: 'true' },
  },
  el('span', { class: 'sev' }, badge(level)),
  el('span', { class: 'what' }, el('b', {}, t('ticker.group', { count: g.alerts.length, what })),
    ` · ${state.regionNames.get(g.district) ?? g.district}`,
    el('div', { class: 'meta' }, g.alerts.slice(0, 3).map((a) => a.assetName).join('、') + (g.alerts.length > 3 ? ` · ${t('ticker.more', { n: g.alerts.length - 3 })}` : ''))),
  el('span', { class: 'meta when' }, agoText(g.alerts[g.alerts.length - 1].raisedAt, now)));
}

// Only the grids whose colour changed are restyled. Restyling all of them every frame (713 in the demo city) rewrote
// every path's attributes, and the browser then restyled and repainted the whole SVG, for the few that changed.
function restyleRegions() {
  for (const [regionId, layer] of state.regionLayers) {
    const key = colourKeyOfRegion(regionId);
    if (layer.options.colourKey === key) continue;
    layer.options.colourKey = key;
    layer.setStyle(regionStyle(layer.feature));
  }
}

function renderMap() {
  restyleRegions();
  for (const assetId of changedAssets) {
    const layer = state.assetLayers.get(assetId);
    const props = state.assetFeatures.get(assetId);
    if (!layer || !props) continue;
    const colour = colourOfAsset(props);
    layer.setStyle(layer instanceof L.CircleMarker ? { fillColor: colour } : { color: colour });
  }
  changedAssets.clear();
  renderAlertMarkers();
}

// ---- Alert markers: one pulsing marker per active alert, at its asset (a line's middle), by the level it is at now. ----
function placeOf(assetId) {
  const layer = state.assetLayers.get(assetId);
  if (!layer) return null;
  if (layer.getLatLng) return layer.getLatLng();
  const points = layer.getLatLngs().flat(Infinity);
  return points[Math.floor(points.length / 2)] ?? null;
}

function dropMarker(alertId) {
  state.alertMarkers.get(alertId)?.remove();
  state.alertMarkers.delete(alertId);
}

// Only the newest unacknowledged red and orange alerts pulse: a pulse says "new, nobody has it yet", and a storm of a
// thousand animated rings would cost the wall PC (software compositing) its frames.
const MAX_PULSING = 30;
const MARKERS_PER_FRAME = 150;

function pulsingSet() {
  const candidates = [...state.alerts.values()]
    .filter((a) => a.conditionActive && a.state === 'open' && ['red', 'orange'].includes(levelShown(a)))
    .sort((x, y) => (LEVEL_RANK[levelShown(y)] - LEVEL_RANK[levelShown(x)]) || (raisedMs(y) - raisedMs(x)));
  return new Set(candidates.slice(0, MAX_PULSING).map((a) => a.alertId));
}

// Markers grow with the wall's type size (1.2 rem: 18 px on 1920x1080, 36 px on 3840x2160).
const remPx = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 15;

function alertIcon(level, pulse) {
  const size = Math.round(remPx() * 1.2);
  return L.divIcon({ className: `alert-marker ${level}${pulse ? ' pulse' : ''}`, html: '<i></i><b></b>', iconSize: [size, size] });
}

// Markers added while the map flies (to a new red alert and back) would be placed against the view it is leaving;
// they are added when it has arrived.
let flying = false; // set by the map's move events (registered below, beside the render they trigger)

function renderAlertMarkers() {
  const pulsing = pulsingSet();
  for (const [alertId, marker] of state.alertMarkers) {
    const a = state.alerts.get(alertId);
    if (!a || !a.conditionActive) { dropMarker(alertId); continue; }
    const key = `${levelShown(a)}|${pulsing.has(alertId)}`;
    if (marker.options.key !== key) {
      marker.options.key = key;
      marker.options.level = levelShown(a);
      marker.setIcon(alertIcon(levelShown(a), pulsing.has(alertId)));
      marker.getElement()?.setAttribute('data-alert-id', alertId);
    }
  }
  // At most MARKERS_PER_FRAME new markers a frame: a storm's thousand markers arrive over a few frames instead of
  // stalling one for seconds (measured in the storm test: a 3 s render when all were made at once).
  let budget = MARKERS_PER_FRAME;
  for (const a of flying ? [] : state.alerts.values()) {
    if (!a.conditionActive || state.alertMarkers.has(a.alertId)) continue;
    if (budget-- === 0) { schedule(); break; }
    const at = placeOf(a.assetId) ?? state.vehicles.get(a.assetId)?.marker?.getLatLng();
    if (!at) continue;
    const level = levelShown(a);
    const pulse = pulsing.has(a.alertId);
    const marker = L.marker(at, { pane: 'alerts', level, key: `${level}|${pulse}`, keyboard: false, icon: alertIcon(level, pulse) })
      .bindTooltip(() => `${badge(levelShown(state.alerts.get(a.alertId) ?? a))} ${a.assetName}<br>${alertText(state.alerts.get(a.alertId) ?? a)}`);
    alertGroup.addLayer(marker);
    marker.getElement()?.setAttribute('data-alert-id', a.alertId);
    state.alertMarkers.set(a.alertId, marker);
  }
}

// ---- A new red alert brings its place into view with a short card, then the whole city comes back. ----
const FOCUS_MS = 15_000;
let focusTimer = null;
const newReds = [];

function focusNewReds() {
  if (newReds.length === 0) return;
  const ids = newReds.splice(0);
  if (state.focus && Date.now() - state.focus.at < FOCUS_MS) {
    state.focus.more += ids.length; // a storm: keep the first in view and count the rest on its card
    renderFocusCard();
    return;
  }
  const alert = state.alerts.get(ids[0]);
  const at = alert && (placeOf(alert.assetId) ?? state.vehicles.get(alert.assetId)?.marker?.getLatLng());
  if (!at) return;
  state.focus = { alertId: alert.alertId, at: Date.now(), more: ids.length - 1, shows: (state.focus?.shows ?? 0) + 1 };
  // One and a half zoom levels closer than the whole city: the street and its neighbours, still recognisable.
  map.flyTo(at, Math.max(map.getZoom(), (cityBounds ? map.getBoundsZoom(cityBounds) : 13) + 1.5), { duration: 1.2 });
  renderFocusCard();
  clearTimeout(focusTimer);
  focusTimer = setTimeout(() => {
    state.focus = null;
    document.getElementById('focus-card').hidden = true;
    if (cityBounds) map.flyToBounds(cityBounds, { padding: [8, 8], duration: 1.2 });
  }, FOCUS_MS);
}

function renderFocusCard() {
  const card = document.getElementById('focus-card');
  const a = state.focus && state.alerts.get(state.focus.alertId);
  if (!a) { card.hidden = true; return; }
  card.dataset.alertId = a.alertId;
  card.replaceChildren(...[
    el('div', { class: 'focus-title' }, t('focus.title')),
    el('div', { class: 'focus-asset' }, el('span', { class: 'sev' }, badge(levelShown(a))), ` ${a.assetName}`),
    el('div', {}, `${kindName(a.kind)} · ${state.regionNames.get(districtOf(a.regionId)) ?? ''} ${state.regionNames.get(a.regionId) ?? ''}`),
    el('div', { class: 'focus-message' }, alertText(a)),
    el('div', { class: 'meta' }, new Date(a.raisedAt).toLocaleTimeString(currentLanguage() === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false })),
    state.focus.more > 0 ? el('div', { class: 'focus-more' }, t('focus.more', { n: state.focus.more })) : null,
  ].filter(Boolean));
  card.hidden = false;
}

// ---- Hazmat vehicles: live position, coloured by the vehicle's level, with route and zone state. ----
function vehicleState(fix) {
  if (fix.alerts?.includes('geofence.restricted_zone')) return 'inZone';
  if (fix.alerts?.includes('geofence.off_route')) return 'offRoute';
  return 'onRoute';
}

function vehicleIcon(fix) {
  const size = Math.round(remPx() * 1.5);
  return L.divIcon({ className: `vehicle ${fix.level ?? 'none'} ${vehicleState(fix)}`, html: '<span>危</span>', iconSize: [size, size] });
}

function renderVehicles() {
  for (const vehicleId of movedVehicles) {
    const entry = state.vehicles.get(vehicleId);
    const { fix } = entry;
    if (!entry.marker) {
      entry.marker = L.marker([fix.lat, fix.lon], { pane: 'vehicles', icon: vehicleIcon(fix), keyboard: false })
        .bindTooltip(() => {
          const f = state.vehicles.get(vehicleId).fix;
          const name = state.assetFeatures.get(vehicleId)?.name ?? vehicleId;
          return `${name}<br>${t(`vehicle.${vehicleState(f)}`)}${f.speedKmh != null ? ` · ${t('vehicle.speed', { n: Math.round(f.speedKmh) })}` : ''}`;
        });
      vehicleGroup.addLayer(entry.marker);
      entry.marker.getElement()?.setAttribute('data-vehicle-id', vehicleId);
    } else {
      entry.marker.setLatLng([fix.lat, fix.lon]);
      const key = `${fix.level}|${vehicleState(fix)}`;
      if (entry.key !== key) entry.marker.setIcon(vehicleIcon(fix));
      entry.key = key;
      entry.marker.getElement()?.setAttribute('data-vehicle-id', vehicleId);
    }
  }
  movedVehicles.clear();
}

// ---- Time panels. ----
function renderPanels() {
  const now = Date.now();
  const ledgers = state.ledgers ?? {};
  renderPerHour(document.getElementById('per-hour'), ledgers.hourly, [...state.alerts.values()].filter((a) => !a.drill), now);
  renderAck(document.getElementById('ack'), ledgers.hourly);
  renderRoster(document.getElementById('roster'), ledgers.shifts, now);
}

const fresh = new Set();
const changedAssets = new Set();
const movedVehicles = new Set();
// The parts of a frame, each timed: the storm test reports the longest of each (where a slow frame's time goes).
const RENDERS = {
  kpis: renderKpis, tables: renderTables, ticker: renderTicker, map: renderMap, vehicles: renderVehicles, panels: renderPanels, focus: focusNewReds,
};
state.longestPartMs = {};
const schedule = coalesce(() => {
  const started = performance.now();
  state.frames++;
  for (const [name, render] of Object.entries(RENDERS)) {
    const t0 = performance.now();
    render();
    state.longestPartMs[name] = Math.max(state.longestPartMs[name] ?? 0, performance.now() - t0);
  }
  state.longestFrameMs = Math.max(state.longestFrameMs ?? 0, performance.now() - started);
});
map.on('movestart', () => { flying = true; });
map.on('moveend', () => { flying = false; schedule(); });

function onAlert(alert) {
  state.messages++;
  const known = state.alerts.has(alert.alertId);
  if (alert.state === 'closed') state.alerts.delete(alert.alertId);
  else state.alerts.set(alert.alertId, alert);
  if (!known && alert.state !== 'closed') {
    fresh.add(alert.alertId);
    // A silenced alert is shown, not announced.
    if (alert.severity === 'red' && alert.conditionActive && !alert.silencedBy && !alert.drill) {
      newReds.push(alert.alertId);
      beep();
    }
  }
  schedule();
}

connectHub({
  alertRaised: onAlert,
  alertUpdated: onAlert,
  alertCleared: onAlert,
  assetChanged: (asset) => { state.messages++; assetProps.set(asset.assetId, asset); changedAssets.add(asset.assetId); schedule(); },
  regionChanged: (region) => { state.messages++; state.regions.set(region.regionId, { ...state.regions.get(region.regionId), ...region }); schedule(); },
  hazardOverdue: () => { state.messages++; hazardLayer.load(); loadLedgers(); },
  vehicleMoved: (fix) => {
    state.messages++;
    const entry = state.vehicles.get(fix.vehicleId) ?? {};
    entry.fix = fix;
    entry.moves = (entry.moves ?? 0) + 1;
    state.vehicles.set(fix.vehicleId, entry);
    movedVehicles.add(fix.vehicleId);
    schedule();
  },
}, sync, (status) => {
  state.connection = status;
  showConnection(status);
});

for (const select of Object.values(selects)) {
  select.addEventListener('change', async () => { await loadMap(); schedule(); });
}

// Layer toggles: each switches one map layer on or off; the choice is kept per browser.
const hidden = new Set(JSON.parse(localStorage.getItem('rm.wall.hidden') ?? '[]'));
for (const button of document.querySelectorAll('.toolbar .toggle')) {
  const name = button.dataset.layer;
  const apply = () => {
    const on = !hidden.has(name);
    button.setAttribute('aria-pressed', String(on));
    if (on) map.addLayer(layers[name]); else map.removeLayer(layers[name]);
  };
  button.addEventListener('click', () => {
    if (hidden.has(name)) hidden.delete(name); else hidden.add(name);
    localStorage.setItem('rm.wall.hidden', JSON.stringify([...hidden]));
    apply();
  });
  apply();
}

// One language at a time: the switch reloads the message file and redraws everything that holds text.
document.getElementById('language').addEventListener('click', async () => {
  await loadLanguage(currentLanguage() === 'zh' ? 'en' : 'zh');
  for (const option of selects.industry.options) if (option.dataset.industry) option.textContent = industryName(option.dataset.industry);
  translateDom();
  renderFocusCard();
  hazardLayer.render();
  schedule();
});

const tick = () => {
  document.getElementById('clock').textContent = new Date().toLocaleTimeString(currentLanguage() === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
};
tick();
setInterval(tick, 1000);
setInterval(schedule, 15_000); // ages and overdue counts move with the clock
setInterval(loadLedgers, 60_000);
setInterval(hazardLayer.load, 60_000);
await Promise.all([loadBaseMap(), loadHierarchy()]);
schedule();
