// Loads a script library on first use, once per page, from lib/<name> (copied there by wwwroot-assets), so that
// pages that do not draw with it never download it. Shared by the chart and the map modules.
const loads = new Map();

function append(tag, attributes) {
  return new Promise((resolve, reject) => {
    const element = document.createElement(tag);
    Object.assign(element, attributes);
    element.onload = resolve;
    element.onerror = () => reject(new Error(`Could not load ${attributes.src ?? attributes.href}.`));
    document.head.appendChild(element);
  });
}

// Resolves once the library's stylesheets and scripts (in their order) are in; at once when isLoaded() says it is
// already there. A failed load is forgotten, so that the next call tries again.
export function loadLibrary(name, { stylesheets = [], scripts = [], isLoaded = () => false }) {
  if (!loads.has(name)) {
    const url = path => new URL(`lib/${name}/${path}`, document.baseURI).href;
    const loading = isLoaded()
      ? Promise.resolve()
      : Promise.all([
        ...stylesheets.map(path => append('link', { rel: 'stylesheet', href: url(path) })),
        scripts.reduce((previous, path) => previous.then(() => append('script', { src: url(path) })), Promise.resolve()),
      ]).catch(error => {
        loads.delete(name);
        throw error;
      });
    loads.set(name, loading);
  }
  return loads.get(name);
}
