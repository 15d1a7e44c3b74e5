// Saves what a panel exports (CSV text, a chart's PNG) as a file, without a round trip to the server.
function save(href, fileName) {
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
}

export function downloadText(fileName, mediaType, text) {
  // A byte order mark, so that spreadsheets read the UTF-8 of titles and country names as UTF-8.
  const blob = new Blob(['\uFEFF', text], { type: `${mediaType};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  save(url, fileName);
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function downloadDataUri(fileName, dataUri) {
  save(dataUri, fileName);
}
