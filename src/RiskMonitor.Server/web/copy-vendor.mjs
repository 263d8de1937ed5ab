// Copies the browser builds of the npm dependencies into ../wwwroot/lib, so the pages work offline and nothing is
// fetched from a CDN at run time. Run by the server's build (see RiskMonitor.Server.csproj, target VendorWebLibraries).
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const lib = join(here, '..', 'wwwroot', 'lib');
const files = [
  ['@microsoft/signalr/dist/browser/signalr.min.js', 'signalr.min.js'],
  ['leaflet/dist/leaflet.js', 'leaflet/leaflet.js'],
  ['leaflet/dist/leaflet.css', 'leaflet/leaflet.css'],
  ['leaflet/dist/images', 'leaflet/images'],
  ['uplot/dist/uPlot.iife.min.js', 'uplot/uPlot.iife.min.js'],
  ['uplot/dist/uPlot.min.css', 'uplot/uPlot.min.css'],
];
mkdirSync(lib, { recursive: true });
for (const [from, to] of files) {
  const target = join(lib, to);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(here, 'node_modules', from), target, { recursive: true });
}
writeFileSync(join(lib, '.stamp'), new Date().toISOString());
console.log(`vendored ${files.length} front-end files into ${lib}`);
