// The JavaScript half of WorldMap.razor. jsvectormap (a global that world.js extends) is loaded on first use from
// lib/jsvectormap, copied there by wwwroot-assets, so that pages without a map do not load its 200 kB of paths.
// The component computes every colour and tooltip line; this module only paints them. Maps are kept by the id the
// component gives them, because by the time a component is disposed its element may already be gone.
import { loadLibrary } from '../../js/library.js';

const maps = new Map();

const loadJsVectorMap = () => loadLibrary('jsvectormap', {
  stylesheets: ['jsvectormap.min.css'],
  scripts: ['jsvectormap.min.js', 'maps/world.js'],
  isLoaded: () => typeof globalThis.jsVectorMap === 'function',
});

function showTooltip(entry, tooltip, code) {
  const element = tooltip.getElement();
  element.style.backgroundColor = entry.options.theme.tooltipBackground;
  element.style.color = entry.options.theme.tooltipText;
  const name = document.createElement('strong');
  name.textContent = entry.map._mapData.paths[code]?.name ?? code;
  const lines = entry.options.tooltips[code] ?? [entry.options.emptyTooltip];
  element.replaceChildren(name, ...lines.map(line => {
    const div = document.createElement('div');
    div.textContent = line;
    return div;
  }));
}

function paint(entry) {
  const { fills, theme } = entry.options;
  entry.element.dataset.theme = theme.mode;
  for (const [code, region] of Object.entries(entry.map.regions)) {
    region.element.setStyle({ fill: fills[code] ?? theme.emptyFill, stroke: theme.border });
    region.element.shape.node.dataset.value = code in fills ? 'yes' : 'no';
  }
}

// jsvectormap scales the map to its element's size, when it is built and on every resize. At no size (an element hidden,
// or already removed by a render while its destroy is on the way; a slow machine, loading the library, makes that likely)
// the scale becomes 0 and its translation NaN ("<g> attribute transform: Trailing garbage", "Expected number"), and the
// map stays broken even when the size comes back, because later scales are multiples of that 0. So a map is built, and
// resized, only while its element has a size.
function hasSize(element) {
  return element.isConnected && element.offsetWidth > 0 && element.offsetHeight > 0;
}

function draw(entry) {
  if (maps.get(entry.id) !== entry || !entry.loaded || !hasSize(entry.element)) {
    return;
  }
  if (entry.map) {
    entry.map.updateSize();
    return;
  }
  entry.map = new globalThis.jsVectorMap({
    selector: entry.element,
    map: 'world',
    backgroundColor: 'transparent',
    // A dashboard page scrolls: the wheel and the zoom buttons (not keyboard-reachable) would fight it.
    zoomButtons: false,
    zoomOnScroll: false,
    draggable: false,
    regionStyle: {
      initial: { fill: entry.options.theme.emptyFill, stroke: entry.options.theme.border, strokeWidth: 0.4, fillOpacity: 1 },
      hover: { fillOpacity: 0.75, cursor: 'default' },
    },
    onRegionTooltipShow(event, tooltip, code) {
      showTooltip(entry, tooltip, code);
    },
  });
  // jsvectormap puts its tooltip at the end of <body>, outside every landmark (axe region); in <main> it is placed the same
  // way, as the layout that holds <main> starts where the page does.
  const tooltip = document.body.querySelector(':scope > .jvm-tooltip');
  const main = document.querySelector('main');
  if (tooltip && main) {
    main.appendChild(tooltip);
  }
  paint(entry);
}

export async function create(id, element, optionsJson) {
  destroy(id);
  const entry = { id, element, options: JSON.parse(optionsJson), map: null, loaded: false, observer: null };
  maps.set(id, entry);
  entry.observer = new ResizeObserver(() => draw(entry));
  entry.observer.observe(element);
  await loadJsVectorMap();
  entry.loaded = true;
  draw(entry);
}

export function update(id, optionsJson) {
  const entry = maps.get(id);
  if (!entry) {
    return;
  }
  // Kept while the map is not built yet (the library loading, the element without a size), so that it is painted with
  // the latest options, not its first ones.
  entry.options = JSON.parse(optionsJson);
  if (entry.map) {
    paint(entry);
  }
}

export function destroy(id) {
  const entry = maps.get(id);
  if (!entry) {
    return;
  }
  maps.delete(id);
  entry.observer?.disconnect();
  if (entry.map) {
    // jsvectormap's destroy removes its listeners (all maps' listeners: its registry is global, hence one map per
    // page) and its tooltip, but leaves the SVG in the container.
    entry.map.destroy();
    entry.element.replaceChildren();
  }
}
