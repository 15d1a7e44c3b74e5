// Copies what the dashboard needs out of node_modules:
//  - served files into Stats.Dashboard/wwwroot/lib/ (charts, world map),
//  - files the server reads into Stats.Dashboard/ReferenceData/ (IP-to-country and IP-to-organisation databases, robot list).
// Nothing it writes is committed; assets.targets runs it when its outputs are missing or stale.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, 'node_modules');
const dashboard = join(here, '..', 'Stats.Dashboard');
const lib = join(dashboard, 'wwwroot', 'lib');
const reference = join(dashboard, 'ReferenceData');

const copies = [
  ['apexcharts/dist/apexcharts.min.js', join(lib, 'apexcharts', 'apexcharts.min.js')],
  ['apexcharts/dist/apexcharts.css', join(lib, 'apexcharts', 'apexcharts.css')],
  ['apexcharts/LICENSE', join(lib, 'apexcharts', 'LICENSE')],
  ['jsvectormap/dist/jsvectormap.min.js', join(lib, 'jsvectormap', 'jsvectormap.min.js')],
  ['jsvectormap/dist/jsvectormap.min.css', join(lib, 'jsvectormap', 'jsvectormap.min.css')],
  ['jsvectormap/dist/maps/world.js', join(lib, 'jsvectormap', 'maps', 'world.js')],
  ['jsvectormap/LICENSE', join(lib, 'jsvectormap', 'LICENSE')],
  ['@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb', join(reference, 'geo-whois-asn-country.mmdb')],
  ['@ip-location-db/geo-whois-asn-country-mmdb/NRO_LICENSE', join(reference, 'geo-whois-asn-country.LICENSE')],
  ['@ip-location-db/asn/asn-ipv4.csv', join(reference, 'asn-ipv4.csv')],
  ['@ip-location-db/asn/asn-ipv6.csv', join(reference, 'asn-ipv6.csv')],
  ['@ip-location-db/asn/DBIP-LICENSE', join(reference, 'asn.DBIP-LICENSE')],
  ['@ip-location-db/asn/ROUTEVIEWS-LICENSE', join(reference, 'asn.ROUTEVIEWS-LICENSE')],
  ['crawler-user-agents/crawler-user-agents.json', join(reference, 'crawler-user-agents.json')],
  ['crawler-user-agents/LICENSE', join(reference, 'crawler-user-agents.LICENSE')],
];

rmSync(lib, { recursive: true, force: true });
rmSync(reference, { recursive: true, force: true });
for (const [from, to] of copies) {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(join(modules, from), to);
}
// The stamp is what MSBuild compares with the lockfile to decide whether to run this again.
writeFileSync(join(reference, '.assets-stamp'), new Date().toISOString() + '\n');
console.log(`wwwroot-assets: copied ${copies.length} files into Stats.Dashboard`);
