// The JavaScript half of ApexChart.razor. ApexCharts (a global) is loaded on first use from lib/apexcharts, copied
// there by wwwroot-assets, so that pages without a chart (and the embeds) do not load its 950 kB. Charts are kept by
// the id the component gives them, because by the time a component is disposed its element may already be gone.
//
// ApexCharts lays a chart out from its element's size, when it draws and again whenever the element's parent
// resizes. With no size (an element hidden, not laid out yet, or already removed by a render while its destroy is
// still on the way) it computes NaN coordinates and the browser rejects them ("attribute transform: Trailing
// garbage", "Expected number"), leaving a broken chart. A slow machine makes those moments long. So a chart exists
// only while its element has a size: drawing waits for one (a ResizeObserver says when), the latest options wait
// with it, and a chart whose element loses its size is taken down and drawn again, with the latest options, when
// the size comes back.
import { loadLibrary } from '../../js/library.js';

const charts = new Map();

const loadApexCharts = () => loadLibrary('apexcharts', {
  stylesheets: ['apexcharts.css'],
  scripts: ['apexcharts.min.js'],
  isLoaded: () => typeof globalThis.ApexCharts === 'function',
});

function apexCharts() {
  if (typeof globalThis.ApexCharts !== 'function') {
    throw new Error('ApexCharts is not loaded yet: create() loads it before the first drawing.');
  }
  return globalThis.ApexCharts;
}

// The width is what ApexCharts lays a chart out from (the height is in the options); a hidden element has none.
function hasSize(element) {
  return element.isConnected && element.getBoundingClientRect().width > 0;
}

// Takes the chart down (its resize handlers and timers with it) and keeps the entry, to draw again when sized.
function undraw(entry) {
  if (entry.chart) {
    const chart = entry.chart;
    entry.chart = null;
    entry.drawn = null;
    chart.destroy();
    // ApexCharts' destroy clears the element's min-height, which reserves the chart's room while it is not drawn.
    entry.element.style.minHeight = entry.minHeight;
  }
}

// Brings the chart in line with the entry's latest options and its element's size.
async function draw(entry) {
  if (entry.destroyed) {
    return;
  }
  if (!hasSize(entry.element)) {
    undraw(entry);
    return;
  }
  const optionsJson = entry.optionsJson;
  if (entry.chart && optionsJson === entry.drawn) {
    return;
  }
  const options = JSON.parse(optionsJson);
  // A visitor who asked for less motion gets the chart drawn at once (WCAG 2.3.3), not grown into place.
  if (globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches) {
    options.chart.animations = { enabled: false };
  }
  let chart = entry.chart;
  try {
    if (chart && options.chart.type === entry.type) {
      // Merged without a full redraw, so that changed data animates from the previous paths.
      entry.drawn = optionsJson;
      await chart.updateOptions(options, false, true);
      return;
    }
    // A first drawing, or a new type: updateOptions merges, so options of the old type would linger.
    undraw(entry);
    chart = entry.chart = new (apexCharts())(entry.element, options);
    entry.type = options.chart.type;
    entry.drawn = optionsJson;
    await chart.render();
  } catch (error) {
    // A chart taken down while it drew (its element lost its size) fails for that reason only: it is drawn again
    // when the size comes back.
    if (entry.chart === chart) {
      throw error;
    }
  }
}

// One step at a time per chart, in order: ApexCharts must not be updated while it is still rendering.
function settle(entry) {
  const step = entry.queue.then(() => draw(entry));
  entry.queue = step.catch(() => {});
  return step;
}

export async function create(id, element, optionsJson) {
  destroy(id);
  const entry = {
    element, optionsJson, minHeight: element.style.minHeight, chart: null, type: null, drawn: null, queue: Promise.resolve(), destroyed: false,
  };
  // Kept before the library loads, so that a destroy while it loads finds the entry and stops the drawing.
  charts.set(id, entry);
  await loadApexCharts();
  if (entry.destroyed) {
    return;
  }
  entry.observer = new ResizeObserver(() => {
    if (entry.chart && !hasSize(element)) {
      // At once, not behind a running step: ApexCharts' own parent observer has just scheduled a redraw at this
      // size, and taking the chart down cancels it.
      undraw(entry);
    }
    // Drawn in a task of its own, not in this callback: a drawing resizes the element, and a resize inside the
    // observer's own delivery is reported as a "ResizeObserver loop" error.
    setTimeout(() => settle(entry).catch(error => console.error('ApexCharts could not draw the chart again.', error)));
  });
  entry.observer.observe(element);
  await settle(entry);
}

export async function update(id, optionsJson) {
  const entry = charts.get(id);
  if (!entry) {
    return;
  }
  entry.optionsJson = optionsJson;
  await loadApexCharts();
  await settle(entry);
}

export function destroy(id) {
  const entry = charts.get(id);
  if (entry) {
    charts.delete(id);
    entry.destroyed = true;
    entry.observer?.disconnect();
    undraw(entry);
  }
}

// The chart as a PNG data URI, for the chart cards' image download; null while it is not drawn.
export async function dataUri(id) {
  const entry = charts.get(id);
  if (!entry) {
    return null;
  }

  await entry.queue;
  if (!entry.chart) {
    return null;
  }

  const { imgURI } = await entry.chart.dataURI();
  return imgURI;
}
