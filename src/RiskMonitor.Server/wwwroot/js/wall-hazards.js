// The hazard layer of the wall (挂图作战, issue 21): every open hidden hazard where it is, a triangle coloured by grade
// (major crimson, general amber), glowing purple with a "!" while it is overdue; listed ones (挂牌督办) carry a dot; a
// drill's hazard (decision 0049) is striped purple, reads 演 and names its drill, never taken for a real one.
// Hazards move slowly, so the layer is loaded on every (re)connect, once a minute, and at once on a hazardOverdue push.
import { getJson } from './common.js';
import { t } from './i18n.js';

export function createHazardLayer(map, remPx) {
  map.createPane('hazards').style.zIndex = 655; // above the assets, below vehicles and alert markers
  const group = L.layerGroup();
  const state = { hazards: [], unplaced: 0, loaded: 0 };

  // Hazards placed only by their region share its inside point: the i-th of n is drawn on a small ring around it, in
  // screen pixels (the icon's anchor), so they stay apart at every zoom.
  function icon(p, i, n) {
    const size = Math.round(remPx() * 1.6);
    const r = n > 1 ? size * 0.75 : 0;
    const angle = (2 * Math.PI * i) / Math.max(n, 1) - Math.PI / 2;
    const classes = ['hazard', p.level, p.overdue ? 'overdue' : '', p.listedSupervision ? 'listed' : '', p.drillId ? 'drill' : ''].filter(Boolean).join(' ');
    return L.divIcon({
      className: classes,
      html: `<span>${p.overdue ? '!' : p.drillId ? '演' : '隐'}</span>`,
      iconSize: [size, size],
      iconAnchor: [size / 2 - r * Math.cos(angle), size / 2 - r * Math.sin(angle)],
    });
  }

  // Descriptions come from the public tip line: escaped, never markup.
  const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  function tooltip(p) {
    const head = `${p.drillId ? `<b>${esc(t('drill.tag'))} ${esc(p.drillId)}</b> · ` : ''}${esc(t(`hazard.level.${p.level}`))}${p.listedSupervision ? ` · ${esc(t('hazard.listed'))}` : ''}${p.overdue ? ` · <b>${esc(t('hazard.overdue'))}</b>` : ''}`;
    const lines = [
      p.description,
      p.responsibleUnit ? `${t('hazard.unit')}: ${p.responsibleUnit}` : null,
      p.supervisingDepartment ? `${t('hazard.supervisor')}: ${p.supervisingDepartment}` : null,
      p.deadline ? `${t('hazard.deadline')}: ${new Date(p.deadline).toLocaleDateString()}` : null,
      p.overdueEscalations > 0 ? t('hazard.pushed', { n: p.overdueEscalations }) : null,
    ];
    return [head, ...lines.filter(Boolean).map(esc)].join('<br>');
  }

  function render() {
    group.clearLayers();
    const at = (f) => f.geometry.coordinates.join(',');
    const sharing = new Map();
    for (const f of state.hazards) sharing.set(at(f), (sharing.get(at(f)) ?? 0) + 1);
    const drawn = new Map();
    for (const f of state.hazards) {
      const p = f.properties;
      const i = drawn.get(at(f)) ?? 0;
      drawn.set(at(f), i + 1);
      const marker = L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], { pane: 'hazards', keyboard: false, icon: icon(p, i, sharing.get(at(f))) })
        .bindTooltip(() => tooltip(p));
      group.addLayer(marker);
      const element = marker.getElement();
      if (element) Object.assign(element.dataset, { hazardId: p.hazardId, level: p.level, overdue: String(p.overdue), drill: p.drillId ?? '' });
    }
  }

  async function load() {
    const layer = await getJson('/api/map/hazards').catch(() => null);
    if (!layer) return;
    state.hazards = layer.features;
    state.unplaced = layer.unplaced;
    state.loaded++;
    render();
  }

  return { group, state, load, render };
}
