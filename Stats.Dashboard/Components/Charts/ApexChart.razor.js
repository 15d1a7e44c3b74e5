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
  const ApexCharts = apexCharts();
  const chart = new ApexCharts(element, JSON.parse(optionsJson));
  charts.set(id, chart);
  await chart.render();
}

export async function update(id, optionsJson) {
  const chart = charts.get(id);
  if (chart) {
    // Merge, without redrawing from scratch, so that changed data animates from the previous paths.
    await chart.updateOptions(JSON.parse(optionsJson), false, true);
  }
}

export function destroy(id) {
  const chart = charts.get(id);
  if (chart) {
    charts.delete(id);
    chart.destroy();
  }
}
