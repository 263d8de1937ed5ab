// 一图一牌三清单 of one site: fetched once from /api/sites/{id}/board and laid out for reading and printing.
import { getJson, el, requireSignIn, LEVEL_LABEL } from './common.js';

const COLOUR_LABEL = { red: '红', orange: '橙', yellow: '黄', blue: '蓝' };
const SVG = 'http://www.w3.org/2000/svg';

const swatch = (colour) => el('span', { class: 'swatch', dataset: { colour: colour ?? 'none' } }, COLOUR_LABEL[colour] ?? '—');

function table(headers, rows) {
  return el('table', {},
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => el('td', {}, c))))));
}

// The map extract as SVG: local metres around the site, north up, the radius filling the square.
function mapSvg(map) {
  const size = 420;
  const scale = (size / 2 - 10) / map.radiusM;
  const perLon = 111320 * Math.cos((map.centreLat * Math.PI) / 180);
  const xy = ([lon, lat]) => [size / 2 + (lon - map.centreLon) * perLon * scale, size / 2 - (lat - map.centreLat) * 111320 * scale];
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('id', 'map');
  const ring = document.createElementNS(SVG, 'circle');
  Object.entries({ cx: size / 2, cy: size / 2, r: map.radiusM * scale, fill: 'none', stroke: '#999', 'stroke-dasharray': '4 4' })
    .forEach(([k, v]) => ring.setAttribute(k, v));
  svg.append(ring);
  const draw = (asset, isSite) => {
    const colour = `var(--${asset.colour})`;
    let shape;
    if (asset.geometry.type === 'LineString') {
      shape = document.createElementNS(SVG, 'polyline');
      shape.setAttribute('points', asset.geometry.coordinates.map((c) => xy(c).join(',')).join(' '));
      shape.setAttribute('fill', 'none');
      shape.setAttribute('stroke', colour);
      shape.setAttribute('stroke-width', isSite ? 5 : 3);
    } else {
      const [x, y] = xy(asset.geometry.coordinates[0]);
      shape = document.createElementNS(SVG, isSite ? 'rect' : 'circle');
      if (isSite) {
        Object.entries({ x: x - 8, y: y - 8, width: 16, height: 16, stroke: '#111', 'stroke-width': 2 }).forEach(([k, v]) => shape.setAttribute(k, v));
      } else {
        Object.entries({ cx: x, cy: y, r: 5, stroke: '#333', 'stroke-width': 0.5 }).forEach(([k, v]) => shape.setAttribute(k, v));
      }
      shape.setAttribute('fill', colour);
    }
    shape.dataset.assetId = asset.assetId;
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${asset.name} (${COLOUR_LABEL[asset.colour]}) ${Math.round(asset.distanceM)} m`;
    shape.append(title);
    svg.append(shape);
  };
  map.nearby.forEach((a) => draw(a, false));
  draw(map.site, true);
  return svg;
}

function render(board) {
  const notice = board.noticeBoard;
  document.title = `${board.name} · 一图一牌三清单`;
  document.getElementById('title').textContent = `${board.name} · 一图一牌三清单`;
  document.getElementById('subtitle').textContent = [board.ownerUnit, board.hazardGrade ? `重大危险源 ${board.hazardGrade}` : null, board.regionId].filter(Boolean).join(' · ');
  document.getElementById('generated').textContent = `生成于 ${new Date(board.generatedAt).toLocaleString('zh-CN', { hour12: false })}`;

  const main = document.getElementById('board');
  main.replaceChildren(
    el('section', { id: 'risk-map' },
      el('h2', {}, '一图 · 风险分布图'),
      el('div', { class: 'map' },
        mapSvg(board.map),
        table(['资产', '类型', '颜色', '距离'], board.map.nearby.slice(0, 15).map((a) =>
          [a.name, a.kind, swatch(a.colour), `${Math.round(a.distanceM)} m`])))),
    el('section', { id: 'notice-board', class: 'notice', style: `--level: var(--${notice.colour})` },
      el('h2', {}, '一牌 · 安全风险告知牌'),
      el('dl', {},
        el('dt', {}, '单位'), el('dd', {}, notice.unit),
        el('dt', {}, '风险等级'), el('dd', {}, '固有 ', swatch(notice.inherentColour), '　当前 ', swatch(notice.colour)),
        el('dt', {}, '主要危险'), el('dd', { id: 'hazards' }, notice.mainHazards.join('、') || '—'),
        el('dt', {}, '管控措施'), el('dd', {}, el('ul', {}, notice.controlMeasures.map((m) => el('li', {}, m)))),
        el('dt', {}, '责任人'), el('dd', {}, notice.responsible ? `${notice.responsible.name} ${notice.responsible.phone ?? ''}` : '—'),
        el('dt', {}, '应急电话'), el('dd', { id: 'contacts' }, el('ul', {}, notice.emergencyContacts.map((c) => el('li', {}, `${c.role}：${c.name} ${c.phone}`))))),
      table(['风险点', '物质', '重大危险源等级', '固有', '当前', '预警'], notice.riskPoints.map((p) =>
        [p.name, p.substance ?? '—', p.hazardGrade ?? '—', swatch(p.inherentColour), swatch(p.colour), LEVEL_LABEL[p.level] ?? p.level]))),
    el('section', { id: 'responsibility-list' },
      el('h2', {}, '清单一 · 责任清单'),
      table(['岗位', '姓名', '电话', '职责'], board.responsibilityList.map((r) => [r.role, r.name, r.phone ?? '—', r.duty]))),
    el('section', { id: 'control-measure-list' },
      el('h2', {}, '清单二 · 管控措施清单'),
      table(['管控措施', '风险点', '责任人'], board.controlMeasureList.map((m) => [m.measure, m.riskPoints.join('、'), m.responsible]))),
    el('section', { id: 'emergency-response-list' },
      el('h2', {}, '清单三 · 应急处置清单'),
      table(['情景', '处置要点', '联系'], board.emergencyResponseList.map((r) => [r.scenario, r.actions, r.contact]))));
  main.dataset.status = 'ready';
}

async function load() {
  const match = /^\/sites\/([^/]+)\/board\/?$/.exec(location.pathname);
  const main = document.getElementById('board');
  if (!match) {
    main.replaceChildren(el('p', { class: 'error' }, 'No site in the address: use /sites/{assetId}/board.'));
    main.dataset.status = 'error';
    return;
  }
  try {
    render(await getJson(`/api/sites/${encodeURIComponent(decodeURIComponent(match[1]))}/board`));
  } catch (error) {
    main.replaceChildren(el('p', { class: 'error' }, `无法加载 ${error.message}`));
    main.dataset.status = 'error';
  }
}

document.getElementById('print').addEventListener('click', () => window.print());
await requireSignIn(); // the board comes from the API, which wants a token
load();
