// The JavaScript half of ApexChart.razor. It imports nothing: ApexCharts is the global that App.razor loads
// from lib/apexcharts/apexcharts.min.js. Charts are kept by the id the component gives them, because by the
// time a component is disposed its element may already be gone from the DOM.
const charts = new Map();

function apexCharts() {
  if (typeof globalThis.ApexCharts !== 'function') {
    throw new Error('ApexCharts is not loaded: App.razor must include lib/apexcharts/apexcharts.min.js.');
  }
  return globalThis.ApexCharts;
}

export async function create(id, element, optionsJson) {
  destroy(id);
  const options = JSON.parse(optionsJson);
  const chart = new (apexCharts())(element, options);
  charts.set(id, { chart, element, type: options.chart.type });
  await chart.render();
}

export async function update(id, optionsJson) {
  const entry = charts.get(id);
  if (!entry) {
    return;
  }

  const options = JSON.parse(optionsJson);
  if (options.chart.type !== entry.type) {
    // updateOptions merges, so options of the old type would linger: a new type gets a new chart.
    await create(id, entry.element, optionsJson);
    return;
  }

  // Merged without a full redraw, so that changed data animates from the previous paths.
  await entry.chart.updateOptions(options, false, true);
}

export function destroy(id) {
  const entry = charts.get(id);
  if (entry) {
    charts.delete(id);
    entry.chart.destroy();
  }
}

// The chart as a PNG data URI, for the chart cards' image download.
export async function dataUri(id) {
  const entry = charts.get(id);
  if (!entry) {
    return null;
  }

  const { imgURI } = await entry.chart.dataURI();
  return imgURI;
}
