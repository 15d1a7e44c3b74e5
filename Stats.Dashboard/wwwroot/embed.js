/* Stats embed script: fills <div data-stats-record="RECID"></div> with the record's public usage.
   Options on the element: data-stats-period (30d, 12m, all), data-stats-metrics (views,downloads,...), data-stats-lang.
   No dependencies, no cookies, no HTML from the network (every text goes in with textContent), and no inline
   style sheet, so that a host page's content security policy needs nothing but script-src and connect-src for it:
   the classes (stats-embed-js, ...) are the host's to style. */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = script && script.src ? new URL('.', script.src) : new URL('/', location.href);
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text != null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function draw(target, data) {
    var box = el('section', null, 'stats-embed-js');
    box.appendChild(el('h2', data.title));
    if (!data.public) {
      box.appendChild(el('p', data.message, 'stats-not-public'));
    } else {
      box.appendChild(el('p', data.period.label));
      var list = el('dl');
      list.style.display = 'flex';
      list.style.flexWrap = 'wrap';
      list.style.gap = '4px 16px';
      data.metrics.forEach(function (m) {
        var item = el('div');
        item.setAttribute('data-embed', m.name);
        item.appendChild(el('dt', m.label));
        var value = el('dd', m.text);
        value.style.margin = '0';
        value.style.fontWeight = '600';
        if (m.all_versions_text) value.appendChild(el('small', ' (' + m.all_versions_text + ')'));
        item.appendChild(value);
        list.appendChild(item);
      });
      box.appendChild(list);
      var more = el('a', data.panel_label);
      more.href = new URL(data.panel, base).href;
      more.target = '_blank';
      more.rel = 'noopener';
      var note = el('p', data.note + ' ');
      note.appendChild(more);
      box.appendChild(note);
    }
    target.textContent = '';
    target.appendChild(box);
    target.setAttribute('data-stats-drawn', data.public ? 'numbers' : 'not-public');
  }

  function fill(target) {
    var recid = target.getAttribute('data-stats-record');
    if (!recid || target.hasAttribute('data-stats-drawn')) return;
    var url = new URL('embed/records/' + encodeURIComponent(recid) + '.json', base);
    ['period', 'metrics', 'lang'].forEach(function (name) {
      var value = target.getAttribute('data-stats-' + name);
      if (value) url.searchParams.set(name, value);
    });
    if (!url.searchParams.has('lang') && document.documentElement.lang) url.searchParams.set('lang', document.documentElement.lang);
    target.setAttribute('data-stats-drawn', 'loading');
    fetch(url.href, { credentials: 'omit' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (data) { draw(target, data); })
      .catch(function () { target.setAttribute('data-stats-drawn', 'failed'); });
  }

  function fillAll() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-stats-record]'), fill);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fillAll);
  else fillAll();
  window.StatsEmbed = { refresh: fillAll };
})();
