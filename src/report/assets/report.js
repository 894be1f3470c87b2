// SPDX-License-Identifier: Apache-2.0
// Sentio report: draws the overview, timeline, moments, transcript and faces from the embedded documents
// (#sentio-view: the reduced copy to draw; #sentio-meta: notes, media, thumbnails; #sentio-result: the
// download). Charts are SVG built here: no library, no network.
(function () {
  'use strict';
  var LABELS = ['neutral', 'happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise'];
  var COLORS = { neutral: '#a0a0a0', happiness: '#e69f00', sadness: '#0072b2', anger: '#d55e00',
    fear: '#cc79a7', disgust: '#009e73', surprise: '#56b4e9' };
  var OTHER = '#6b6b6b';
  var SVGNS = 'http://www.w3.org/2000/svg';
  var W = 1000, GUTTER = 96, PLOT = W - GUTTER - 12;

  function byId(id) { return document.getElementById(id); }
  function readJson(id) {
    var node = byId(id);
    var text = node ? node.textContent : '';
    return text && text.trim() ? JSON.parse(text) : null;
  }
  function h(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) return;
      if (k === 'text') e.textContent = attrs[k]; else if (k === 'cls') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  function s(tag, attrs, children) {
    var e = document.createElementNS(SVGNS, tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function fmtTime(t) {
    if (t === null || t === undefined || isNaN(t)) return '–';
    var total = Math.max(0, Math.round(t));
    var hh = Math.floor(total / 3600), mm = Math.floor(total / 60) % 60, ss = total % 60;
    var two = function (n) { return (n < 10 ? '0' : '') + n; };
    return hh > 0 ? hh + ':' + two(mm) + ':' + two(ss) : mm + ':' + two(ss);
  }
  function fmtSpan(a, b) { return b === null || b === undefined ? fmtTime(a) : fmtTime(a) + '–' + fmtTime(b); }
  function fmtDur(sec) {
    sec = sec || 0;
    if (sec < 60) return Math.round(sec) + ' s';
    if (sec < 3600) return Math.floor(sec / 60) + ' min ' + Math.round(sec % 60) + ' s';
    return Math.floor(sec / 3600) + ' h ' + Math.round((sec % 3600) / 60) + ' min';
  }
  function fix(x, n) { return typeof x === 'number' ? x.toFixed(n === undefined ? 2 : n) : '–'; }
  function color(label) { return COLORS[label] || OTHER; }
  function coreOf(item) { return LABELS.indexOf(item.label) >= 0 ? item.label : (item.core || item.label || ''); }
  function swatch(label) { return h('span', { cls: 'sw sw-' + label, 'aria-hidden': 'true' }); }
  function empty(text) { return h('p', { cls: 'empty', text: text }); }

  var view = readJson('sentio-view') || {};
  var meta = readJson('sentio-meta') || {};
  var input = view.input || {};
  var speech = view.speech || {}, faces = view.faces || {}, text = view.text || {};
  var segments = speech.segments || [], utterances = text.utterances || [], moments = view.moments || null;
  var tracks = faces.tracks || [], persons = view.persons || [];

  // Length of the time axis: the input's, or the latest time any part mentions.
  var duration = input.duration_s || 0;
  function stretch(t) { if (typeof t === 'number' && t > duration) duration = t; }
  segments.forEach(function (x) { stretch(x.end); });
  utterances.forEach(function (x) { stretch(x.end); });
  tracks.forEach(function (x) { stretch(x.last_time); });
  if (!(duration > 0)) duration = 1;
  function xOf(t) { return GUTTER + Math.max(0, Math.min(1, t / duration)) * PLOT; }

  var personById = {};
  persons.forEach(function (p) { personById[p.id] = p; });
  function personName(id) {
    if (!id) return '';
    var p = personById[id];
    return p && p.name ? p.name + ' (' + id + ')' : id;
  }

  // ---- media player ------------------------------------------------------------------------------
  var player = null, cursors = [], pagers = [];
  // Printing shows every row, not just the pages drawn so far.
  window.addEventListener('beforeprint', function () { pagers.forEach(function (f) { f(); }); });
  function seek(t) {
    if (!player || typeof t !== 'number') return;
    try { player.currentTime = Math.max(0, t); } catch (e) { return; }
    var p = player.play();
    if (p && p.catch) p.catch(function () { /* autoplay refused: the position is set */ });
  }
  function setupPlayer() {
    if (!meta.media) return;
    var box = byId('player');
    var kind = meta.media.kind === 'video' ? 'video' : 'audio';
    player = h(kind, { controls: 'controls', preload: 'metadata', src: meta.media.src,
      'aria-label': 'The recording: ' + meta.media.name });
    var now = h('span', { cls: 'now', 'aria-live': 'off', text: '0:00' });
    box.appendChild(player);
    box.appendChild(now);
    box.hidden = false;
    player.addEventListener('timeupdate', function () {
      now.textContent = fmtTime(player.currentTime);
      var x = xOf(player.currentTime);
      cursors.forEach(function (c) { c.setAttribute('x1', x); c.setAttribute('x2', x); c.setAttribute('visibility', 'visible'); });
    });
    player.addEventListener('error', function () {
      box.hidden = true;
      byId('notes').appendChild(h('p', { cls: 'note', text: 'The recording ' + meta.media.name +
        ' could not be played here (moved, or a format this browser does not play).' }));
    });
  }
  function activate(node, t, what) {
    node.setAttribute('tabindex', '0');
    if (meta.media) node.setAttribute('aria-label', what + ' – press Enter to play from ' + fmtTime(t));
    node.addEventListener('click', function () { seek(t); });
    node.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); seek(t); }
    });
  }

  // ---- overview ----------------------------------------------------------------------------------
  function distributionBar(probs, label) {
    var bar = h('div', { cls: 'bar', role: 'img', 'aria-label': label });
    LABELS.forEach(function (l) {
      var p = probs ? probs[l] || 0 : 0;
      if (p <= 0) return;
      var part = h('span', { cls: 'bg-' + l, title: l + ' ' + Math.round(p * 100) + '%' });
      part.style.width = (p * 100).toFixed(2) + '%';
      bar.appendChild(part);
    });
    return bar;
  }
  function describeProbs(probs) {
    var items = LABELS.filter(function (l) { return probs && probs[l] > 0.005; })
      .sort(function (a, b) { return probs[b] - probs[a]; });
    return items.map(function (l) { return l + ' ' + Math.round(probs[l] * 100) + '%'; }).join(', ');
  }
  function renderOverview() {
    var body = byId('overview-body');
    byId('subtitle').textContent = [input.kind || 'input', fmtTime(input.duration_s),
      input.path ? input.path.split(/[\\/]/).pop() : '', view.generator || '', view.schema || ''].filter(Boolean).join(' · ');
    var parts = [];
    if (speech.status === 'ok') parts.push('voice');
    if (faces.status === 'ok') parts.push('faces');
    if (text.status === 'ok') parts.push('words');
    var cards = h('div', { cls: 'cards' }, [
      h('div', { cls: 'card' }, [h('div', { text: 'Length' }), h('div', { cls: 'big', text: fmtTime(input.duration_s) })]),
      h('div', { cls: 'card' }, [h('div', { text: persons.length ? 'Persons' : 'Speakers' }),
        h('div', { cls: 'big', text: String(persons.length || (speech.speakers || []).length) })]),
      h('div', { cls: 'card' }, [h('div', { text: 'Analysed from' }), h('div', { cls: 'big', text: parts.join(' + ') || 'nothing' })]),
      h('div', { cls: 'card' }, [h('div', { text: 'Moments' }), h('div', { cls: 'big', text: moments ? String(moments.length) : '–' })])
    ]);
    body.appendChild(cards);
    // Speaking time and dominant emotion per person (or speaker).
    var who = persons.length ? persons.map(function (p) {
      return { name: personName(p.id), speak: p.speaking_s || 0, label: p.dominant_label, probs: p.mean_probabilities,
        what: 'fused' };
    }) : (speech.speakers || []).map(function (sp) {
      return { name: sp.speaker, speak: sp.speech_s || 0, label: sp.dominant_label, probs: sp.mean_probabilities, what: 'voice' };
    });
    if (who.length) {
      var total = Math.max(1e-9, input.duration_s || duration);
      var table = h('table', {}, [h('caption', { cls: 'sr', text: 'Speaking time and emotions per person' }),
        h('thead', {}, [h('tr', {}, [h('th', { text: 'Person' }), h('th', { text: 'Speaking time' }),
          h('th', { text: 'Dominant emotion' }), h('th', { text: 'Emotion mix' })])])]);
      var tb = h('tbody');
      who.forEach(function (w) {
        var speakBar = h('div', { cls: 'bar', role: 'img', 'aria-label': Math.round(100 * w.speak / total) + '% of the recording' });
        var fill = h('span', { cls: 'speak' });
        fill.style.width = Math.min(100, 100 * w.speak / total).toFixed(1) + '%';
        speakBar.appendChild(fill);
        tb.appendChild(h('tr', {}, [h('td', { text: w.name }),
          h('td', {}, [fmtDur(w.speak) + ' (' + Math.round(100 * w.speak / total) + '%)', speakBar]),
          h('td', {}, w.label ? [swatch(coreOf({ label: w.label })), ' ' + w.label] : ['–']),
          h('td', {}, [distributionBar(w.probs, w.what + ': ' + describeProbs(w.probs)),
            h('span', { cls: 'muted', text: w.what + ': ' + describeProbs(w.probs) })])]));
      });
      table.appendChild(tb);
      body.appendChild(table);
    }
    var notes = byId('notes');
    (meta.notes || []).forEach(function (n) { notes.appendChild(h('p', { cls: 'note', role: 'note', text: n })); });
    (view.warnings || []).forEach(function (w) { notes.appendChild(h('p', { cls: 'warning', text: 'Analysis warning: ' + w })); });
    var link = byId('download');
    var base = (input.path ? input.path.split(/[\\/]/).pop().replace(/\.[^.]*$/, '') : 'result') || 'result';
    link.setAttribute('download', base + (meta.download === 'full' ? '.json' : '.reduced.json'));
    byId('download-note').textContent = meta.download === 'full' ? '(the complete document)' :
      '(the reduced copy the charts use)';
    link.addEventListener('click', function () {
      var src = meta.download === 'full' ? byId('sentio-result').textContent : byId('sentio-view').textContent;
      var url = URL.createObjectURL(new Blob([src], { type: 'application/json' }));
      link.href = url;
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    });
    byId('footer').textContent = 'Made with ' + (view.generator || 'Sentio') + ' from a ' + (view.schema || '') +
      ' document. Colours: Okabe–Ito palette. Labels are model outputs, not facts about anyone.';
  }

  // ---- legend and axes ---------------------------------------------------------------------------
  function renderLegend() {
    var lg = byId('legend');
    LABELS.forEach(function (l) { lg.appendChild(h('span', { role: 'listitem' }, [swatch(l), l])); });
    lg.appendChild(h('span', { role: 'listitem' }, [h('span', { cls: 'muted', text: '—— valence   - - - arousal (−1 … +1)' })]));
  }
  function tickStep(d) {
    var steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
    for (var i = 0; i < steps.length; ++i) if (d / steps[i] <= 10) return steps[i];
    return 14400;
  }
  function timeAxis(svg, y) {
    svg.appendChild(s('line', { class: 'axis', x1: GUTTER, x2: GUTTER + PLOT, y1: y, y2: y }));
    var step = tickStep(duration);
    for (var t = 0; t <= duration + 1e-9; t += step) {
      var x = xOf(t);
      svg.appendChild(s('line', { class: 'axis', x1: x, x2: x, y1: y, y2: y + 4 }));
      svg.appendChild(s('text', { x: x, y: y + 15, 'text-anchor': 'middle', text: fmtTime(t) }));
    }
    svg.appendChild(s('text', { x: GUTTER - 20, y: y + 15, 'text-anchor': 'end', text: 'time (m:ss)' }));
  }
  function chartSvg(height, titleText, descText) {
    var id = 'c' + Math.random().toString(36).slice(2, 9);
    var svg = s('svg', { class: 'chart', viewBox: '0 0 ' + W + ' ' + height, role: 'img',
      'aria-labelledby': id + 't ' + id + 'd', preserveAspectRatio: 'xMinYMin meet' });
    svg.appendChild(s('title', { id: id + 't', text: titleText }));
    svg.appendChild(s('desc', { id: id + 'd', text: descText }));
    return svg;
  }
  function cursor(svg, y0, y1) {
    var c = s('line', { class: 'cursor', x1: GUTTER, x2: GUTTER, y1: y0, y2: y1, visibility: 'hidden' });
    svg.appendChild(c);
    cursors.push(c);
  }

  // ---- timeline ----------------------------------------------------------------------------------
  function timelineRows() {
    if (persons.length) return persons.map(function (p) {
      return { attr: 'data-person', id: p.id, title: personName(p.id), person: p.id, speaker: p.speaker,
        tracks: p.face_tracks || [], name: p.name };
    });
    var rows = [];
    (speech.speakers || []).forEach(function (sp) {
      rows.push({ attr: 'data-speaker', id: sp.speaker, title: 'Speaker ' + sp.speaker, speaker: sp.speaker, tracks: [] });
    });
    var named = {};
    utterances.forEach(function (u) {
      if (u.speaker && !rows.some(function (r) { return r.speaker === u.speaker; }) && !named[u.speaker]) {
        named[u.speaker] = true;
        rows.push({ attr: 'data-speaker', id: u.speaker, title: u.speaker, speaker: u.speaker, tracks: [] });
      }
    });
    if (utterances.some(function (u) { return !u.speaker; }))
      rows.push({ attr: 'data-speaker', id: '', title: 'Transcript', speaker: null, tracks: [], all: true });
    tracks.forEach(function (t) {
      rows.push({ attr: 'data-track', id: String(t.id), title: 'Face ' + t.id, tracks: [t.id] });
    });
    return rows;
  }
  function belongs(row, item) {
    if (row.person) return item.person === row.person || (!item.person && row.speaker && item.speaker === row.speaker);
    if (row.all) return !item.speaker;
    return row.speaker !== undefined && row.speaker !== null && item.speaker === row.speaker;
  }
  function bands(svg, items, y, hgt, startOf, endOf, labelOf, confOf, what) {
    items.forEach(function (it) {
      var a = startOf(it), b = endOf(it);
      if (typeof a !== 'number') return;
      if (typeof b !== 'number' || b < a) b = a;
      var label = labelOf(it);
      var x0 = xOf(a), x1 = Math.max(xOf(b), x0 + 1.2);
      var conf = confOf(it);
      var r = s('rect', { class: 'seg', x: x0.toFixed(2), y: y, width: (x1 - x0).toFixed(2), height: hgt,
        fill: color(label), 'fill-opacity': typeof conf === 'number' ? (0.45 + 0.55 * Math.min(1, conf)).toFixed(2) : 1 });
      r.appendChild(s('title', { text: what + ' ' + fmtSpan(a, b) + ': ' + label + (typeof conf === 'number' ? ' (' + fix(conf) + ')' : '') }));
      svg.appendChild(r);
    });
  }
  function laneLabel(svg, y, hgt, text) {
    svg.appendChild(s('rect', { class: 'lane-bg', x: GUTTER, y: y, width: PLOT, height: hgt }));
    svg.appendChild(s('text', { x: GUTTER - 6, y: y + hgt / 2 + 4, 'text-anchor': 'end', text: text }));
  }
  function observationSpan(obs, i, fps) {
    var o = obs[i];
    if (typeof o.t0 === 'number') return [o.t0, Math.max(o.t1, o.t0) + 1 / (fps || 5)];
    var next = i + 1 < obs.length ? obs[i + 1].time : o.time + 1 / (fps || 5);
    return [o.time, Math.min(next, o.time + 2 / (fps || 5))];
  }
  // Consecutive observations with the same label, no more than 2 frames apart, as one band (mean
  // confidence): what the eye can see at this width, with far fewer elements to lay out.
  function faceRuns(obs, fps) {
    var runs = [];
    obs.forEach(function (o, i) {
      var span = observationSpan(obs, i, fps), last = runs[runs.length - 1];
      if (last && last.label === o.label && span[0] - last.end <= 2 / (fps || 5)) {
        last.end = Math.max(last.end, span[1]);
        last.sum += o.confidence || 0;
        last.n += 1;
        last.confidence = last.sum / last.n;
      } else {
        runs.push({ start: span[0], end: span[1], label: o.label, sum: o.confidence || 0, n: 1, confidence: o.confidence });
      }
    });
    return runs;
  }
  // Appends the nodes made by make(item) for items[from..) in pages of `page`, with a button for the next
  // page (long recordings: the first screenful is drawn at once, the rest on request).
  function paged(container, items, page, make, noun) {
    var shown = 0;
    var more = h('button', { type: 'button', cls: 'more' });
    function next(all) {
      var end = all ? items.length : Math.min(items.length, shown + page);
      var frag = document.createDocumentFragment();
      for (; shown < end; ++shown) frag.appendChild(make(items[shown]));
      container.appendChild(frag);
      more.textContent = 'Show ' + Math.min(page, items.length - shown) + ' more ' + noun + ' (' + (items.length - shown) + ' left)';
      more.hidden = shown >= items.length;
    }
    more.addEventListener('click', function () { next(false); });
    pagers.push(function () { if (container.isConnected) next(true); });
    next(false);
    return more;
  }
  function curve(svg, points, y0, hgt, cls) {
    if (points.length === 0) return;
    var d = '';
    var prev = null;
    points.forEach(function (p) {
      var x = xOf(p[0]), y = y0 + hgt / 2 - (Math.max(-1, Math.min(1, p[1])) * hgt / 2);
      d += (prev === null || p[0] - prev > Math.max(10, duration / 40) ? 'M' : 'L') + x.toFixed(1) + ' ' + y.toFixed(1) + ' ';
      prev = p[0];
    });
    svg.appendChild(s('path', { class: cls, d: d }));
  }
  function renderTimeline() {
    var body = byId('timeline-body');
    var rows = timelineRows();
    if (!rows.length) { body.appendChild(empty('Nothing to draw: no persons, speakers, faces or timed words in this recording.')); return; }
    var fps = faces.sampled_fps || 5;
    rows.forEach(function (row) {
      var rowMoments = moments ? moments.filter(function (m) { return row.person && m.person === row.person; }) : [];
      var rowSegs = segments.filter(function (x) { return belongs(row, x); });
      var rowUtts = utterances.filter(function (x) { return typeof x.start === 'number' && belongs(row, x); });
      var obs = [];
      tracks.forEach(function (t) { if (row.tracks.indexOf(t.id) >= 0) obs = obs.concat(t.observations || []); });
      obs.sort(function (a, b) { return a.time - b.time; });
      var lanes = [];
      if (moments && row.person) lanes.push('fused');
      if (speech.status !== undefined && row.speaker !== undefined) lanes.push('voice');
      if (row.tracks.length) lanes.push('face');
      if (text.status !== undefined && (row.speaker !== undefined || row.person)) lanes.push('words');
      var laneH = 16, gap = 5, vaH = 70;
      var height = 6 + lanes.length * (laneH + gap) + 10 + vaH + 30;
      var va = [], vaSource = '';
      if (rowMoments.length) { vaSource = 'fused moments'; va = rowMoments.filter(function (m) { return m.fused && typeof m.start === 'number'; })
        .map(function (m) { return [(m.start + (m.end || m.start)) / 2, m.fused.valence, m.fused.arousal]; }); }
      else if (rowSegs.length) { vaSource = 'voice'; va = rowSegs.map(function (x) { return [(x.start + x.end) / 2, x.valence, x.arousal]; }); }
      else if (obs.length) { vaSource = 'face'; va = obs.map(function (o) { return [o.time, o.valence, o.arousal]; }); }
      else if (rowUtts.length) { vaSource = 'words'; va = rowUtts.map(function (u) { return [(u.start + u.end) / 2, u.valence, u.arousal]; }); }
      var speak = rowSegs.reduce(function (a, x) { return a + (x.end - x.start); }, 0);
      var desc = row.title + ': ' + rowSegs.length + ' speaking turns (' + fmtDur(speak) + ')' +
        (rowMoments.length ? ', ' + rowMoments.length + ' moments' : '') + (obs.length ? ', face seen' : '') +
        (rowUtts.length ? ', ' + rowUtts.length + ' utterances' : '') + '. Valence and arousal from ' + (vaSource || 'nothing') + '.';
      var svg = chartSvg(height, 'Emotions over time: ' + row.title, desc);
      svg.setAttribute(row.attr, row.id);
      svg.setAttribute('class', 'chart series');
      var y = 6;
      lanes.forEach(function (lane) {
        if (lane === 'fused') {
          laneLabel(svg, y, laneH, 'fused');
          bands(svg, rowMoments, y, laneH, function (m) { return m.start; }, function (m) { return m.end; },
            function (m) { return m.fused ? m.fused.label : ''; }, function (m) { return m.fused && m.fused.confidence; }, 'moment');
        } else if (lane === 'voice') {
          laneLabel(svg, y, laneH, 'voice · turns');
          bands(svg, rowSegs, y, laneH, function (x) { return x.start; }, function (x) { return x.end; }, coreOf,
            function (x) { return x.confidence; }, 'voice');
        } else if (lane === 'face') {
          laneLabel(svg, y, laneH, 'face');
          bands(svg, faceRuns(obs, fps), y, laneH, function (x) { return x.start; }, function (x) { return x.end; },
            function (x) { return x.label; }, function (x) { return x.confidence; }, 'face');
        } else {
          laneLabel(svg, y, laneH, 'words');
          bands(svg, rowUtts, y, laneH, function (x) { return x.start; }, function (x) { return x.end; }, coreOf,
            function (x) { return x.confidence; }, 'words');
        }
        y += laneH + gap;
      });
      y += 10;
      // Valence / arousal in [-1, 1].
      svg.appendChild(s('rect', { class: 'lane-bg', x: GUTTER, y: y, width: PLOT, height: vaH }));
      [-1, 0, 1].forEach(function (v) {
        var yy = y + vaH / 2 - v * vaH / 2;
        svg.appendChild(s('line', { class: 'grid', x1: GUTTER, x2: GUTTER + PLOT, y1: yy, y2: yy }));
        svg.appendChild(s('text', { x: GUTTER - 6, y: yy + 4, 'text-anchor': 'end', text: (v > 0 ? '+' : '') + v }));
      });
      svg.appendChild(s('text', { x: 4, y: y + vaH / 2 + 4, text: 'val./arous.' }));
      curve(svg, va.map(function (p) { return [p[0], p[1]]; }).filter(function (p) { return typeof p[1] === 'number'; }), y, vaH, 'valence');
      curve(svg, va.map(function (p) { return [p[0], p[2]]; }).filter(function (p) { return typeof p[1] === 'number'; }), y, vaH, 'arousal');
      y += vaH + 6;
      timeAxis(svg, y);
      cursor(svg, 4, y);
      var box = h('div', { cls: 'row' }, [h('h3', { text: row.title }), svg,
        h('p', { cls: 'sr', text: desc })]);
      body.appendChild(box);
    });
  }

  // ---- moments -----------------------------------------------------------------------------------
  // Strength of a moment for the highlights: fused confidence, times 1 + the strongest cue's |z| / 3
  // (capped at 6), halved for neutral moments (what stands out is felt, not flat).
  function strength(m) {
    var conf = m.fused && typeof m.fused.confidence === 'number' ? m.fused.confidence : 0;
    var z = 0;
    (m.cues || []).forEach(function (c) { if (typeof c.z === 'number') z = Math.max(z, Math.abs(c.z)); });
    return conf * (1 + Math.min(z, 6) / 3) * (m.fused && m.fused.label === 'neutral' ? 0.5 : 1);
  }
  function renderMoments() {
    var body = byId('moments-body');
    if (!moments) { body.appendChild(empty(view.schema === 'sentio.analysis/1' ?
      'No moments: this is a sentio.analysis/1 document (moments came with /2).' : 'No moments in this result.')); return; }
    if (!moments.length) { body.appendChild(empty('No moments in this recording.')); return; }
    var personSel = h('select', { id: 'filter-person' }, [h('option', { value: '', text: 'everyone' })]);
    var seen = {};
    moments.forEach(function (m) { if (m.person && !seen[m.person]) { seen[m.person] = 1; personSel.appendChild(h('option', { value: m.person, text: personName(m.person) })); } });
    var labelSel = h('select', { id: 'filter-emotion' }, [h('option', { value: '', text: 'all emotions' })]);
    LABELS.forEach(function (l) { labelSel.appendChild(h('option', { value: l, text: l })); });
    var order = h('select', { id: 'moments-order' }, [h('option', { value: 'time', text: 'time order' }),
      h('option', { value: 'highlights', text: 'highlights (strongest first)' })]);
    var count = h('span', { cls: 'muted', 'aria-live': 'polite' });
    body.appendChild(h('div', { cls: 'controls' }, [
      h('span', {}, [h('label', { for: 'filter-person', text: 'Person ' }), personSel]),
      h('span', {}, [h('label', { for: 'filter-emotion', text: 'Emotion ' }), labelSel]),
      h('span', {}, [h('label', { for: 'moments-order', text: 'Show ' }), order]), count]));
    var table = h('table', { id: 'moments-table' }, [h('caption', { cls: 'sr', text: 'Moments: time, person, fused emotion, compound, agreement and explanation' }),
      h('thead', {}, [h('tr', {}, ['Time', 'Person', 'Fused', 'Conf.', 'Strength', 'Compound', 'Agreement', 'Voice / face / words', 'Explanation']
        .map(function (c) { return h('th', { scope: 'col', text: c }); }))])]);
    var tbody = h('tbody');
    table.appendChild(tbody);
    body.appendChild(h('div', { cls: 'tablewrap' }, [table]));
    function modText(m) {
      var mods = m.modalities || {};
      return ['voice', 'face', 'words'].map(function (k) { return mods[k] ? k + ': ' + mods[k].label : null; })
        .filter(Boolean).join(' · ');
    }
    var moreRows = null;
    function draw() {
      var list = moments.filter(function (m) {
        return (!personSel.value || m.person === personSel.value) && (!labelSel.value || (m.fused && m.fused.label === labelSel.value));
      });
      if (order.value === 'highlights') list = list.slice().sort(function (a, b) { return strength(b) - strength(a); });
      tbody.textContent = '';
      var makeRow = function (m) {
        var label = m.fused ? m.fused.label : '';
        var ag = m.agreement || {};
        var agreeText = ag.agree ? 'all agree' : (ag.disagreeing && ag.disagreeing.length ? ag.disagreeing.join(', ') + ' differ' : '–');
        var tr = h('tr', { 'data-person': m.person || '' }, [
          h('td', { cls: 'num', text: fmtSpan(m.start, m.end) }),
          h('td', { text: personName(m.person) || '–' }),
          h('td', {}, [swatch(label), ' ' + label]),
          h('td', { cls: 'num', text: fix(m.fused && m.fused.confidence) }),
          h('td', { cls: 'num', text: fix(strength(m)) }),
          h('td', { text: m.compound ? m.compound.label + ' (' + fix(m.compound.score) + ')' : '–' }),
          h('td', { text: agreeText }),
          h('td', { text: modText(m) }),
          h('td', { text: m.explanation || '' })]);
        if (typeof m.start === 'number') activate(tr, m.start, 'Moment at ' + fmtTime(m.start) + ', ' + label);
        return tr;
      };
      if (moreRows) moreRows.remove();
      moreRows = paged(tbody, list, 200, makeRow, 'moments');
      table.parentNode.parentNode.appendChild(moreRows);
      count.textContent = list.length + ' of ' + moments.length + ' moments';
    }
    [personSel, labelSel, order].forEach(function (c) { c.addEventListener('change', draw); });
    draw();
  }

  // ---- transcript --------------------------------------------------------------------------------
  function markDrivers(textValue, drivers) {
    var set = {};
    (drivers || []).forEach(function (d) { set[String(d).toLowerCase()] = true; });
    var out = [];
    var re = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu, last = 0, m;
    while ((m = re.exec(textValue)) !== null) {
      if (!set[m[0].toLowerCase()]) continue;
      if (m.index > last) out.push(textValue.slice(last, m.index));
      out.push(h('mark', { title: 'drives the call', text: m[0] }));
      last = m.index + m[0].length;
    }
    if (last < textValue.length) out.push(textValue.slice(last));
    return out;
  }
  function renderTranscript() {
    var body = byId('transcript-body');
    if (!utterances.length) { body.appendChild(empty('No transcript in this recording.')); return; }
    body.appendChild(h('p', { cls: 'muted', text: 'Each utterance is edged in the colour of its emotion; highlighted words drove the call.' +
      (meta.media ? ' Click or press Enter on an utterance to play it.' : '') }));
    var list = h('div', { cls: 'transcript-list', role: 'list' });
    body.appendChild(list);
    body.appendChild(paged(list, utterances, 300, function (u) {
      var label = coreOf(u);
      var who = u.person ? personName(u.person) : (u.speaker || '');
      var div = h('div', { cls: 'utt bd-' + label, role: 'listitem', 'data-person': u.person || null }, [
        h('span', { cls: 'meta', text: typeof u.start === 'number' ? fmtTime(u.start) : '' }),
        ' ', who ? h('span', { cls: 'who', text: who + ':' }) : null]
        .concat(markDrivers(u.text || '', u.drivers))
        .concat([h('span', { cls: 'meta' }, [swatch(label), ' ' + (u.label || '') + ' ' + fix(u.confidence) +
          (u.sentiment ? ' · ' + u.sentiment : '')])]));
      if (typeof u.start === 'number') activate(div, u.start, 'Utterance at ' + fmtTime(u.start));
      return div;
    }, 'utterances'));
  }

  // ---- faces -------------------------------------------------------------------------------------
  function stacked(svg, points, y0, hgt, probsOf) {
    // One polygon per label between its cumulative lower and upper bounds; runs broken at gaps > 2 s.
    var runs = [], run = [];
    points.forEach(function (p, i) {
      if (i > 0 && p.t - points[i - 1].t > Math.max(2, duration / 300)) { runs.push(run); run = []; }
      run.push(p);
    });
    if (run.length) runs.push(run);
    runs.forEach(function (r) {
      if (r.length === 1) r = [r[0], { t: r[0].t + duration / PLOT * 2, v: r[0].v }];
      var cum = r.map(function () { return 0; });
      LABELS.forEach(function (l) {
        var lower = cum.slice();
        r.forEach(function (p, i) { cum[i] += (probsOf(p.v) || {})[l] || 0; });
        var top = r.map(function (p, i) { return xOf(p.t).toFixed(1) + ',' + (y0 + hgt - cum[i] * hgt).toFixed(1); });
        var bottom = r.map(function (p, i) { return xOf(p.t).toFixed(1) + ',' + (y0 + hgt - lower[i] * hgt).toFixed(1); }).reverse();
        svg.appendChild(s('polygon', { points: top.concat(bottom).join(' '), fill: color(l) }));
      });
    });
  }
  function probAxis(svg, y, hgt, name) {
    svg.appendChild(s('rect', { class: 'lane-bg', x: GUTTER, y: y, width: PLOT, height: hgt }));
    svg.appendChild(s('text', { x: GUTTER - 6, y: y + 10, 'text-anchor': 'end', text: '100%' }));
    svg.appendChild(s('text', { x: GUTTER - 6, y: y + hgt, 'text-anchor': 'end', text: '0%' }));
    svg.appendChild(s('text', { x: 4, y: y + hgt / 2 + 4, text: name }));
  }
  function renderFaces() {
    var body = byId('faces-body');
    if (!tracks.length) {
      body.appendChild(empty(faces.status === undefined ? 'No faces: this result has no video part.' : 'No faces in this recording.'));
      return;
    }
    var thumbs = meta.thumbnails || {};
    tracks.forEach(function (t) {
      var who = t.person ? personName(t.person) : '';
      var name = 'Face ' + t.id + (who ? ' · ' + who : '');
      var img = thumbs[String(t.id)] ? h('img', { src: thumbs[String(t.id)], alt: name + (meta.blurred ? ' (thumbnail pixelated for privacy)' : ' (thumbnail)'), width: 96, height: 96 })
        : h('div', { cls: 'noimg', text: 'no thumbnail' });
      var obs = t.observations || [];
      var svg = chartSvg(120, 'Expression over time: ' + name,
        'Stacked expression probabilities of face ' + t.id + ' from ' + fmtTime(t.first_time) + ' to ' + fmtTime(t.last_time) +
        '; mostly ' + (t.dominant_label || 'unknown') + '. Mean: ' + describeProbs(t.mean_probabilities) + '.');
      svg.setAttribute('data-track', String(t.id));
      if (t.person) svg.setAttribute('data-person', t.person);
      probAxis(svg, 4, 80, 'expression');
      stacked(svg, obs.map(function (o) { return { t: o.time, v: o }; }), 4, 80, function (o) { return o.probabilities; });
      timeAxis(svg, 90);
      cursor(svg, 4, 90);
      body.appendChild(h('div', { cls: 'face' }, [img, h('div', { cls: 'body' }, [
        h('h3', { text: name }),
        h('p', {}, [fmtSpan(t.first_time, t.last_time) + ' · ' + (t.observations_count || obs.length) + ' observations · mostly ',
          swatch(t.dominant_label), ' ' + (t.dominant_label || '–') + ' · mean valence ' + fix(t.mean_valence) +
          ', arousal ' + fix(t.mean_arousal) + (typeof t.blinks === 'number' ? ' · ' + t.blinks + ' blinks' : '')]),
        svg])]));
    });
    var windows = (faces.group && faces.group.windows) || [];
    body.appendChild(h('h3', { text: 'Group view' }));
    if (!windows.length) { body.appendChild(empty('No group windows in this result.')); return; }
    var svg = chartSvg(120, 'Group expression over time',
      'Mean expression of all visible faces per window of the recording, ' + windows.length + ' windows.');
    svg.setAttribute('data-group', 'windows');
    probAxis(svg, 4, 80, 'all faces');
    stacked(svg, windows.filter(function (w) { return w.dominant_label; }).map(function (w) { return { t: (w.start + w.end) / 2, v: w }; }),
      4, 80, function (w) { return w.distribution; });
    timeAxis(svg, 90);
    cursor(svg, 4, 90);
    body.appendChild(svg);
  }

  function run(name, fn) {
    try { fn(); } catch (e) {
      var sec = byId(name);
      if (sec) sec.appendChild(h('p', { cls: 'warning', text: 'This part could not be drawn: ' + e.message }));
      throw e;
    }
  }
  setupPlayer();
  run('overview', renderOverview);
  run('timeline', renderLegend);
  run('timeline', renderTimeline);
  run('moments', renderMoments);
  run('transcript', renderTranscript);
  run('faces', renderFaces);
  document.documentElement.setAttribute('data-ready', 'true');
})();
