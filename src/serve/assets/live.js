// SPDX-License-Identifier: Apache-2.0
// Sentio live page (served by `sentio serve` at /): captures the microphone (and optionally the camera),
// converts the sound to 16-kHz mono 16-bit PCM here in the page, streams it to /v1/stream in 100-ms
// binary messages (docs/SERVE.md, "Streams") and draws the events as they arrive. Plain JS, no library,
// no request to any other host.
(function () {
  'use strict';

  var RATE = 16000;               // what the page sends: 16 kHz, mono, pcm_s16le
  var CHUNK = RATE / 10;          // samples per binary message (100 ms)
  var FRAME_INTERVAL_MS = 250;    // camera: 4 JPEG frames per second
  var FRAME_MAX_WIDTH = 640;      // frames are scaled down to at most this width
  var MAX_BUFFERED = 4 << 20;     // bytes not yet sent above which camera frames are skipped (audio never is)
  var MAX_EXPLANATIONS = 8;
  var CORE = ['neutral', 'happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise'];
  var COLORS = { neutral: '#a0a0a0', happiness: '#e69f00', sadness: '#0072b2', anger: '#d55e00',
    fear: '#cc79a7', disgust: '#009e73', surprise: '#56b4e9', calm: '#f0e442', boredom: '#000000' };
  var OTHER = '#6b6b6b';
  var SVGNS = 'http://www.w3.org/2000/svg';

  // ---- small DOM helpers ------------------------------------------------------------------------------
  function byId(id) { return document.getElementById(id); }
  function h(tag, attrs, children) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  function s(tag, attrs, children) {
    var e = document.createElementNS(SVGNS, tag);
    setAttrs(e, attrs);
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function setAttrs(e, attrs) {
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') e.textContent = v; else if (k === 'cls') e.setAttribute('class', v); else e.setAttribute(k, v);
    });
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function color(label) { return COLORS[label] || OTHER; }
  function swatch(label) {
    return label ? h('span', { cls: 'sw', style: 'background:' + color(label), 'aria-hidden': 'true' }) : null;
  }
  function pct(x) { return typeof x === 'number' ? Math.round(100 * x) + '%' : '–'; }
  function fix(x, n) { return typeof x === 'number' ? x.toFixed(n) : '–'; }
  function fmtTime(t) {
    if (typeof t !== 'number' || isNaN(t)) return '–';
    var total = Math.max(0, Math.floor(t));
    var m = Math.floor(total / 60), sec = total % 60;
    return m + ':' + (sec < 10 ? '0' : '') + sec;
  }
  function fmtSpan(a, b) { return fmtTime(a) + '–' + fmtTime(b); }

  // ---- audio: conversion to 16-kHz s16le --------------------------------------------------------------
  // A resampler from `from` Hz to `to` Hz: a windowed-sinc low-pass (cut-off just below the lower of the two
  // Nyquist frequencies, Hann window, 8 zero crossings a side) evaluated at each output instant, then
  // 16-bit rounding; whole blocks of `chunk` samples go to emit(ArrayBuffer). This function is also the
  // AudioWorklet's code (its source text is put into the worklet module), so it uses nothing from outside.
  function makeResampler(from, to, chunk, emit) {
    var step = from / to;                       // input samples per output sample
    var cutoff = 0.92 * Math.min(1, to / from); // in units of the input's Nyquist frequency
    var half = Math.ceil(8 / cutoff);           // taps on each side of the output instant
    var PHASES = 256;                           // kernel tables for fractional positions, made when needed
    var tables = [];
    var pending = new Float32Array(0);          // input kept for the next output samples
    var pos = 0;                                // position of the next output sample in `pending`
    var out = new Int16Array(chunk), n = 0;
    function table(phase) {
      if (tables[phase]) return tables[phase];
      var frac = phase / PHASES, t = new Float32Array(2 * half), sum = 0;
      for (var k = 0; k < 2 * half; k++) {
        var x = k - half + 1 - frac;              // distance from the output instant, in input samples
        var w = 0.5 + 0.5 * Math.cos(Math.PI * x / (half + 1));
        var v = x === 0 ? cutoff : Math.sin(Math.PI * cutoff * x) / (Math.PI * x);
        t[k] = v * w;
        sum += t[k];
      }
      for (k = 0; k < 2 * half; k++) t[k] /= sum;  // unit gain at 0 Hz
      tables[phase] = t;
      return t;
    }
    return {
      push: function (input) {
        var buf = new Float32Array(pending.length + input.length);
        buf.set(pending);
        buf.set(input, pending.length);
        while (Math.floor(pos) + half + 1 < buf.length) {   // (+1: a phase may round up to the next sample)
          var base = Math.floor(pos), phase = Math.round((pos - base) * PHASES);
          if (phase === PHASES) { base += 1; phase = 0; }
          var t = table(phase), acc = 0, first = base - half + 1;
          for (var k = 0; k < 2 * half; k++) {
            var i = first + k;
            if (i >= 0) acc += buf[i] * t[k];   // before the first sample: silence
          }
          var v = Math.round(acc * 32768);
          out[n++] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
          if (n === chunk) { emit(out.buffer); out = new Int16Array(chunk); n = 0; }
          pos += step;
        }
        var drop = Math.max(0, Math.floor(pos) - half + 1);
        pending = buf.slice(drop);
        pos -= drop;
      },
      flush: function () {
        if (n > 0) emit(out.slice(0, n).buffer);
        out = new Int16Array(chunk);
        n = 0;
      }
    };
  }

  // The mono mix of one block of channels (Float32Array each).
  function mixDown(channels) {
    if (channels.length === 1) return channels[0];
    var m = new Float32Array(channels[0].length);
    for (var c = 0; c < channels.length; c++) {
      for (var i = 0; i < m.length; i++) m[i] += channels[c][i] / channels.length;
    }
    return m;
  }

  var WORKLET_SOURCE = [
    'var makeResampler = ' + makeResampler.toString() + ';',
    'var mixDown = ' + mixDown.toString() + ';',
    'class SentioCapture extends AudioWorkletProcessor {',
    '  constructor(options) {',
    '    super();',
    '    var port = this.port, o = options.processorOptions;',
    '    this.resampler = makeResampler(sampleRate, o.rate, o.chunk, function (b) { port.postMessage(b, [b]); });',
    '    port.onmessage = (e) => { if (e.data === "flush") { this.resampler.flush(); port.postMessage("flushed"); } };',
    '  }',
    '  process(inputs) {',
    '    var channels = inputs[0];',
    '    if (channels && channels.length) this.resampler.push(mixDown(channels));',
    '    return true;',
    '  }',
    '}',
    'registerProcessor("sentio-capture", SentioCapture);'
  ].join('\n');

  // Resolves to {node, flush(done)}: an AudioWorkletNode when the browser has AudioWorklet, else a
  // ScriptProcessorNode running the same resampler on the page's thread.
  function captureNode(ctx, emit) {
    var viaWorklet;
    if (!ctx.audioWorklet || typeof AudioWorkletNode !== 'function') viaWorklet = Promise.reject(new Error('no AudioWorklet'));
    else {
      var url = URL.createObjectURL(new Blob([WORKLET_SOURCE], { type: 'text/javascript' }));
      viaWorklet = ctx.audioWorklet.addModule(url).then(function () {
        URL.revokeObjectURL(url);
        var node = new AudioWorkletNode(ctx, 'sentio-capture', { numberOfInputs: 1, numberOfOutputs: 1,
          outputChannelCount: [1], processorOptions: { rate: RATE, chunk: CHUNK } });
        var waiting = [];
        node.port.onmessage = function (e) {
          if (e.data === 'flushed') { while (waiting.length) waiting.shift()(); } else emit(e.data);
        };
        return { node: node, flush: function (done) { waiting.push(done); node.port.postMessage('flush'); } };
      }, function (err) { URL.revokeObjectURL(url); throw err; });
    }
    return viaWorklet.catch(function () {
      var resampler = makeResampler(ctx.sampleRate, RATE, CHUNK, emit);
      var node = ctx.createScriptProcessor(4096, 1, 1);
      node.onaudioprocess = function (e) {
        var channels = [];
        for (var c = 0; c < e.inputBuffer.numberOfChannels; c++) channels.push(e.inputBuffer.getChannelData(c));
        resampler.push(mixDown(channels).slice());
      };
      return { node: node, flush: function (done) { resampler.flush(); done(); } };
    });
  }

  // ---- what is shown -------------------------------------------------------------------------------
  var view;
  function resetView() {
    view = {
      segments: [],        // segment events, in arrival order
      faces: {},           // track id -> face events
      speakerPerson: {},   // provisional speaker -> person, from moment events
      cards: {},           // card key (person, else speaker) -> {el, end, source}
      explanations: [],
      labelsSeen: {},
      now: 0,              // seconds of audio sent
      document: null       // the result
    };
    clear(byId('current'));
    byId('current').appendChild(h('p', { cls: 'empty', id: 'current-empty', text: 'No speech analysed yet.' }));
    clear(byId('explanations'));
    byId('explanations-empty').hidden = false;
    clear(byId('summary'));
    byId('summary-section').hidden = true;
    clear(byId('notes'));
    render();
  }

  function setState(state, text) {
    var el = byId('state');
    el.setAttribute('data-state', state);
    el.textContent = text || state;
  }
  function showError(text) {
    var box = byId('errors');
    box.appendChild(h('p', { cls: 'error', text: text }));
    while (box.childNodes.length > 5) box.removeChild(box.firstChild);
  }
  function showNote(text) { byId('notes').appendChild(h('p', { cls: 'note', text: 'Warning: ' + text })); }
  function noteLabel(label) { if (label) view.labelsSeen[label] = true; }

  // The segment event with the bounds of a moment (moments of speech are judged from one segment).
  function segmentOf(m) {
    for (var i = view.segments.length - 1; i >= 0; i--) {
      var seg = view.segments[i];
      if (seg.start === m.start && seg.end === m.end) return seg;
    }
    return typeof m.segment === 'number' ? view.segments[m.segment] || null : null;
  }
  function personOfSpeaker(speaker) { return view.speakerPerson[speaker] || null; }

  // One card per person (or speaker, until a moment names the person): the latest call, announced politely.
  function setCard(key, call) {
    var card = view.cards[key];
    if (card && card.end > call.end + 1e-9) return;                       // an older result arriving late
    if (card && card.source === 'moment' && call.source === 'segment' && card.end >= call.end) return;
    if (!card) {
      var empty = byId('current-empty');
      if (empty) empty.parentNode.removeChild(empty);
      card = view.cards[key] = { el: h('div', { cls: 'card', 'data-person': key }) };
      byId('current').appendChild(card.el);
    }
    card.end = call.end;
    card.source = call.source;
    card.el.style.borderLeftColor = color(call.label);
    card.el.setAttribute('data-label', call.label || '');
    clear(card.el);
    card.el.appendChild(h('h3', { text: key }));
    card.el.appendChild(h('div', { cls: 'big' }, [swatch(call.label), ' ', call.label || '–']));
    card.el.appendChild(h('div', { cls: 'meta', text: pct(call.confidence) + ' · ' + call.from + ' · at ' +
      fmtSpan(call.start, call.end) }));
  }
  function renameCard(from, to) {
    var card = view.cards[from];
    if (!card || from === to) return;
    delete view.cards[from];
    if (view.cards[to]) { card.el.parentNode.removeChild(card.el); return; }
    view.cards[to] = card;
    card.el.setAttribute('data-person', to);
  }

  function onSegment(seg) {
    view.segments.push(seg);
    noteLabel(seg.label);
    var key = seg.person || personOfSpeaker(seg.speaker) || seg.speaker || 'speaker';
    setCard(key, { label: seg.label, confidence: seg.confidence, from: 'voice', start: seg.start, end: seg.end,
      source: 'segment' });
  }

  function onMoment(m) {
    var seg = segmentOf(m), fused = m.fused || {};
    if (seg && m.person) {
      view.speakerPerson[seg.speaker] = m.person;
      renameCard(seg.speaker, m.person);
    }
    var key = m.person || (seg && seg.speaker) || 'unknown';
    var from = Object.keys(m.modalities || {}).join(' + ') || 'fused';
    noteLabel(fused.label);
    setCard(key, { label: fused.label, confidence: fused.confidence, from: from, start: m.start, end: m.end,
      source: 'moment' });
    if (m.explanation) {
      view.explanations.unshift({ label: fused.label, start: m.start, end: m.end, text: m.explanation });
      view.explanations.length = Math.min(view.explanations.length, MAX_EXPLANATIONS);
      renderExplanations();
    }
  }

  function onFace(f) {
    (view.faces[f.track] = view.faces[f.track] || []).push(f);
    noteLabel(f.label);
  }

  function onResult(doc) {
    view.document = doc;
    var speech = doc.speech || {};
    (speech.segments || []).forEach(function (x) { noteLabel(x.label); });
    renderSummary(doc);
  }

  // The document of a result event: the event's own fields but type and payload_id (docs/SERVE.md, as the
  // last line of `sentio analyze --format jsonl`).
  function resultDocument(ev) {
    var doc = {};
    Object.keys(ev).forEach(function (k) { if (k !== 'type' && k !== 'payload_id') doc[k] = ev[k]; });
    return doc;
  }

  function errorText(ev) { return 'Server error (' + (ev.code || 'unknown') + '): ' + (ev.message || ''); }

  // ---- drawing ------------------------------------------------------------------------------------
  var renderTimer = null;
  function dirty() { if (renderTimer === null) renderTimer = setTimeout(render, 150); }
  function render() {
    if (renderTimer !== null) { clearTimeout(renderTimer); renderTimer = null; }
    renderLegend();
    renderTimeline();
    renderSegmentRows();
    byId('clock').textContent = view.now > 0 ? view.now.toFixed(1) + ' s sent' : '';
  }

  // Lanes of the timeline: one per speaker (named with their person when known), then one per face track.
  // Before the result the live events are drawn; after it, the document's final segments and faces.
  function lanes() {
    var out = [], byKey = {};
    function lane(key, name) {
      if (!byKey[key]) { byKey[key] = { name: name, items: [] }; out.push(byKey[key]); }
      return byKey[key];
    }
    var doc = view.document, segments, faces = [];
    if (doc) {
      segments = (doc.speech && doc.speech.segments) || [];
      ((doc.faces && doc.faces.tracks) || []).forEach(function (t) {
        faces.push({ track: t.id, person: t.person, obs: t.observations || [] });
      });
    } else {
      segments = view.segments;
      Object.keys(view.faces).forEach(function (id) { faces.push({ track: id, person: null, obs: view.faces[id] }); });
    }
    var fps = (doc && doc.faces && doc.faces.sampled_fps) || 1000 / FRAME_INTERVAL_MS;
    segments.forEach(function (x) {
      var person = x.person || personOfSpeaker(x.speaker);
      var l = lane('s:' + x.speaker, x.speaker + (person && person !== x.speaker ? ' · ' + person : ''));
      l.items.push({ cls: 'seg', start: x.start, end: x.end, label: x.label, confidence: x.confidence,
        who: l.name });
    });
    // A face's observations with the same label, no more than 1.5 frame intervals apart, make one run.
    faces.forEach(function (f) {
      var l = lane('f:' + f.track, 'face ' + f.track + (f.person ? ' · ' + f.person : '')), run = null;
      f.obs.forEach(function (o) {
        if (run && run.label === o.label && o.time - run.end <= 0.5 / fps) {
          run.end = o.time + 1 / fps;
          run.sum += o.confidence;
          run.frames += 1;
        } else {
          run = { cls: 'obs', start: o.time, end: o.time + 1 / fps, label: o.label, sum: o.confidence, frames: 1,
            who: l.name };
          l.items.push(run);
        }
      });
      l.items.forEach(function (it) { it.confidence = it.sum / it.frames; });
    });
    return out;
  }

  function niceStep(length) {
    var steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
    for (var i = 0; i < steps.length; i++) if (length / steps[i] <= 10) return steps[i];
    return 7200;
  }

  function renderTimeline() {
    var all = lanes();
    var end = view.now;
    all.forEach(function (l) { l.items.forEach(function (it) { if (it.end > end) end = it.end; }); });
    var length = Math.max(10, Math.ceil(end / 5) * 5);
    var W = 1000, LEFT = 120, RIGHT = 14, TOP = 6, LANE = 28, AXIS = 44;
    var plot = W - LEFT - RIGHT, H = TOP + Math.max(1, all.length) * LANE + AXIS;
    function x(t) { return LEFT + Math.max(0, Math.min(1, t / length)) * plot; }
    var nSeg = 0;
    all.forEach(function (l) { l.items.forEach(function (it) { if (it.cls === 'seg') nSeg++; }); });
    var desc = all.length ? nSeg + ' speech segment(s) of ' + all.length + ' lane(s) from 0 to ' + end.toFixed(1) +
      ' s' + (view.document ? ' (final result).' : ' (live).') + ' The table below lists the segments.'
      : 'Nothing analysed yet.';
    var svg = s('svg', { cls: 'chart', viewBox: '0 0 ' + W + ' ' + H, role: 'img',
      'aria-labelledby': 'timeline-svg-title timeline-svg-desc' }, [
      s('title', { id: 'timeline-svg-title', text: 'Timeline of the labels per speaker' }),
      s('desc', { id: 'timeline-svg-desc', text: desc })]);
    var bottom = TOP + Math.max(1, all.length) * LANE;
    var step = niceStep(length);
    for (var t = 0; t <= length + 1e-9; t += step) {
      svg.appendChild(s('line', { cls: 'grid', x1: x(t), x2: x(t), y1: TOP, y2: bottom }));
      svg.appendChild(s('text', { x: x(t), y: bottom + 16, 'text-anchor': 'middle', text: String(t) }));
    }
    svg.appendChild(s('line', { cls: 'axis', x1: LEFT, x2: W - RIGHT, y1: bottom, y2: bottom }));
    svg.appendChild(s('text', { x: LEFT + plot / 2, y: bottom + 36, 'text-anchor': 'middle', text: 'time (s)' }));
    all.forEach(function (l, i) {
      var y = TOP + i * LANE;
      svg.appendChild(s('rect', { cls: 'lane-bg', x: LEFT, y: y + 2, width: plot, height: LANE - 4 }));
      svg.appendChild(s('text', { cls: 'lane', x: LEFT - 8, y: y + LANE / 2 + 4, 'text-anchor': 'end', text: l.name }));
      l.items.forEach(function (it) {
        var inset = it.cls === 'seg' ? 4 : 9;
        svg.appendChild(s('rect', { cls: it.cls, 'data-label': it.label, x: x(it.start), y: y + inset,
          width: Math.max(1.5, x(it.end) - x(it.start)), height: LANE - 2 * inset, fill: color(it.label) }, [
          s('title', { text: it.who + ', ' + it.start.toFixed(2) + '–' + it.end.toFixed(2) + ' s: ' + it.label +
            ' (' + (it.frames ? 'mean ' + pct(it.confidence) + ' over ' + it.frames + ' frame(s)' : pct(it.confidence)) +
            ')' })]));
      });
    });
    if (!all.length) {
      svg.appendChild(s('text', { x: LEFT + plot / 2, y: TOP + LANE / 2 + 4, 'text-anchor': 'middle',
        cls: 'muted', text: 'no speech yet' }));
    }
    if (session && !view.document && view.now > 0) {
      svg.appendChild(s('line', { cls: 'now', x1: x(view.now), x2: x(view.now), y1: TOP, y2: bottom }));
    }
    var box = byId('timeline');
    clear(box);
    box.appendChild(svg);
  }

  function renderLegend() {
    var box = byId('legend');
    var labels = CORE.slice();
    ['calm', 'boredom'].forEach(function (l) { if (view.labelsSeen[l]) labels.push(l); });
    var other = Object.keys(view.labelsSeen).some(function (l) { return !COLORS[l]; });
    var key = labels.join(',') + (other ? ',other' : '');
    if (box.getAttribute('data-key') === key) return;
    box.setAttribute('data-key', key);
    clear(box);
    labels.forEach(function (l) { box.appendChild(h('span', {}, [swatch(l), l])); });
    if (other) box.appendChild(h('span', {}, [swatch('other'), 'other']));
  }

  function renderSegmentRows() {
    var body = byId('segment-rows');
    var segments = view.document ? (view.document.speech && view.document.speech.segments) || [] : view.segments;
    if (body.getAttribute('data-n') === String(segments.length) + (view.document ? 'f' : '')) return;
    body.setAttribute('data-n', String(segments.length) + (view.document ? 'f' : ''));
    clear(body);
    segments.forEach(function (x) {
      body.appendChild(h('tr', {}, [
        h('td', { cls: 'num', text: x.start.toFixed(2) }), h('td', { cls: 'num', text: x.end.toFixed(2) }),
        h('td', { text: x.speaker || '' }), h('td', { text: x.person || personOfSpeaker(x.speaker) || '' }),
        h('td', {}, [swatch(x.label), ' ', x.label]), h('td', { cls: 'num', text: pct(x.confidence) })]));
    });
  }

  function renderExplanations() {
    var list = byId('explanations');
    clear(list);
    view.explanations.forEach(function (e) {
      list.appendChild(h('li', {}, [h('span', { cls: 'when', text: fmtSpan(e.start, e.end) }), swatch(e.label),
        h('span', { cls: 'sr', text: e.label + ': ' }), e.text]));
    });
    byId('explanations-empty').hidden = view.explanations.length > 0;
  }

  function labelCounts(obj) {
    return Object.keys(obj || {}).sort(function (a, b) { return obj[b] - obj[a]; })
      .map(function (k) { return k + ' ' + obj[k]; }).join(', ');
  }

  function renderSummary(doc) {
    var box = byId('summary'), speech = doc.speech || {};
    clear(box);
    var persons = doc.persons || [];
    var duration = doc.input && doc.input.duration_s;
    box.appendChild(h('p', { text: (typeof duration === 'number' ? duration.toFixed(1) + ' s analysed; ' : '') +
      (speech.segments || []).length + ' speech segment(s), ' + persons.length + ' person(s).' +
      (speech.status === 'no_speech' ? ' No speech was found.' : '') }));
    if (persons.length) {
      var rows = persons.map(function (p) {
        return h('tr', { 'data-person': p.id }, [
          h('th', { scope: 'row', text: p.id + (p.name ? ' (' + p.name + ')' : '') }),
          h('td', { text: p.speaker || '–' }),
          h('td', { cls: 'num', text: fix(p.speaking_s, 1) + ' s' }),
          h('td', {}, [swatch(p.dominant_label), ' ', p.dominant_label || '–']),
          h('td', { cls: 'num', text: fix(p.mean_valence, 2) }),
          h('td', { cls: 'num', text: fix(p.mean_arousal, 2) }),
          h('td', { text: labelCounts(p.moments_by_label) || '–' })]);
      });
      box.appendChild(h('table', {}, [
        h('caption', { cls: 'sr', text: 'Summary per person' }),
        h('thead', {}, [h('tr', {}, ['person', 'speaker', 'speaking', 'dominant label', 'mean valence',
          'mean arousal', 'moments by label'].map(function (c) { return h('th', { scope: 'col', text: c }); }))]),
        h('tbody', {}, rows)]));
    } else if ((speech.speakers || []).length) {
      speech.speakers.forEach(function (sp) {
        box.appendChild(h('p', {}, [sp.speaker + ': ' + fix(sp.speech_s, 1) + ' s, mostly ', swatch(sp.dominant_label),
          ' ' + sp.dominant_label]));
      });
    }
    (doc.warnings || []).forEach(function (w) { box.appendChild(h('p', { cls: 'note', text: 'Warning: ' + w })); });
    var blob = new Blob([JSON.stringify(doc, null, 1)], { type: 'application/json' });
    box.appendChild(h('p', {}, [h('a', { href: URL.createObjectURL(blob), download: 'sentio-live.json',
      text: 'Download the result (JSON)' })]));
    byId('summary-section').hidden = false;
  }

  // ---- the stream ------------------------------------------------------------------------------------
  var session = null;   // the stream being captured or finished; null when idle

  function streamUrl() {
    var token = new URLSearchParams(window.location.search).get('access_token');
    return (window.location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + window.location.host + '/v1/stream' +
      (token ? '?access_token=' + encodeURIComponent(token) : '');
  }
  function randomId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return 'live-' + window.crypto.randomUUID();
    return 'live-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
  }
  function tagged(tag, body, prefix) {
    var m = new Uint8Array(1 + (prefix ? prefix.byteLength : 0) + body.byteLength);
    m[0] = tag;
    if (prefix) m.set(new Uint8Array(prefix), 1);
    m.set(new Uint8Array(body), 1 + (prefix ? prefix.byteLength : 0));
    return m.buffer;
  }

  function setButton(text, enabled, running) {
    var b = byId('toggle');
    b.textContent = text;
    b.disabled = !enabled;
    b.setAttribute('data-running', running ? 'true' : 'false');
    byId('camera').disabled = !!running;
  }

  function start() {
    if (session) return;
    byId('errors').textContent = '';
    resetView();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showError('This browser gives no microphone to this page: it needs https, or http on localhost/127.0.0.1.');
      return;
    }
    var AudioCtx = window.AudioContext || window.webkitAudioContext;
    var withVideo = byId('camera').checked;
    var st = session = { withVideo: withVideo, ws: null, media: null, ctx: new AudioCtx(), capture: null, source: null,
      samples: 0, t0: null, frameTimer: null, stopping: false, result: false, errorShown: false };
    st.ctx.resume().catch(function () {});
    setState('starting', withVideo ? 'asking for the microphone and camera' : 'asking for the microphone');
    setButton('Stop', true, true);
    var audio = { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false };
    var video = withVideo ? { width: { ideal: 640 }, height: { ideal: 480 } } : false;
    navigator.mediaDevices.getUserMedia({ audio: audio, video: video }).then(function (media) {
      st.media = media;
      if (session !== st || st.stopping) { release(st); return; }
      connect(st);
    }, function (err) {
      showError('Cannot open the ' + (withVideo ? 'microphone or camera' : 'microphone') + ': ' +
        (err && err.name ? err.name + ': ' : '') + (err && err.message ? err.message : String(err)));
      finish(st, 'error', 'no microphone');
    });
  }

  function connect(st) {
    setState('connecting', 'connecting');
    var ws = st.ws = new WebSocket(streamUrl());
    ws.binaryType = 'arraybuffer';
    ws.onopen = function () {
      var msg = { type: 'start', payload_id: randomId(),
        audio: { sample_rate: RATE, channels: 1, encoding: 'pcm_s16le' }, options: { max_segment: 4 } };
      if (st.withVideo) msg.video = { encoding: 'jpeg' };
      ws.send(JSON.stringify(msg));
      setState('streaming', 'streaming');
      startAudio(st);
      if (st.withVideo) startFrames(st);
    };
    ws.onmessage = function (e) {
      if (typeof e.data !== 'string') return;
      var ev;
      try { ev = JSON.parse(e.data); } catch (err) { showError('Unreadable message from the server.'); return; }
      if (session !== st) return;
      switch (ev.type) {
        case 'segment': onSegment(ev); break;
        case 'moment': onMoment(ev); break;
        case 'face': onFace(ev); break;
        case 'warning': showNote(ev.message || ''); break;
        case 'error': st.errorShown = true; showError(errorText(ev)); break;
        case 'result': st.result = true; onResult(resultDocument(ev)); break;
        default: break;   // utterances (this page sends no words) and types added later
      }
      dirty();
    };
    ws.onerror = function () {};   // the close event that follows says what happened
    ws.onclose = function (e) {
      if (st.result) finish(st, 'done', 'done: result received');
      else {
        if (!st.errorShown) {
          showError('The connection closed before the result (code ' + e.code + (e.reason ? ', ' + e.reason : '') +
            ').');
        }
        finish(st, 'error', 'closed without a result');
      }
    };
  }

  function startAudio(st) {
    captureNode(st.ctx, function (buf) { sendAudio(st, buf); }).then(function (capture) {
      if (session !== st || st.stopping || !st.media) { capture.node.disconnect(); return; }
      st.capture = capture;
      st.source = st.ctx.createMediaStreamSource(st.media);
      st.source.connect(capture.node);
      capture.node.connect(st.ctx.destination);   // the node writes silence; connected so that it is run
      st.t0 = st.ctx.currentTime;
    }).catch(function (err) {
      showError('Cannot process the microphone\'s sound: ' + (err && err.message ? err.message : String(err)));
      stop();
    });
  }

  function sendAudio(st, buf) {
    if (!st.ws || st.ws.readyState !== WebSocket.OPEN || st.ended) return;
    st.ws.send(st.withVideo ? tagged(1, buf) : buf);
    st.samples += buf.byteLength / 2;
    view.now = st.samples / RATE;
    dirty();
  }

  function startFrames(st) {
    var video = byId('preview'), canvas = document.createElement('canvas'), busy = false;
    video.srcObject = st.media;
    video.hidden = false;
    video.play().catch(function () {});
    st.frameTimer = setInterval(function () {
      var ws = st.ws;
      if (busy || st.t0 === null || st.stopping || !ws || ws.readyState !== WebSocket.OPEN) return;
      if (video.readyState < 2 || !video.videoWidth || ws.bufferedAmount > MAX_BUFFERED) return;
      var scale = Math.min(1, FRAME_MAX_WIDTH / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
      var time = Math.max(0, st.ctx.currentTime - st.t0);   // on the audio's clock, from the stream's start
      busy = true;
      canvas.toBlob(function (blob) {
        if (!blob) { busy = false; return; }
        blob.arrayBuffer().then(function (jpeg) {
          busy = false;
          if (!st.stopping && !st.ended && ws.readyState === WebSocket.OPEN) {
            ws.send(tagged(2, jpeg, littleEndian(time)));
          }
        }, function () { busy = false; });
      }, 'image/jpeg', 0.8);
    }, FRAME_INTERVAL_MS);
  }
  // A number as 8 bytes: little-endian IEEE double.
  function littleEndian(x) {
    var out = new ArrayBuffer(8);
    new DataView(out).setFloat64(0, x, true);
    return out;
  }

  function stop() {
    var st = session;
    if (!st || st.stopping) return;
    st.stopping = true;
    setButton('Stop', false, true);
    if (st.frameTimer !== null) { clearInterval(st.frameTimer); st.frameTimer = null; }
    var ws = st.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {   // nothing streamed yet
      if (ws) ws.close(1000);
      finish(st, 'idle', 'stopped');
      return;
    }
    setState('finishing', 'finishing: waiting for the result');
    var sent = false;
    function sendEnd() {
      if (sent) return;
      sent = true;
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'end' }));
      st.ended = true;
      release(st);
    }
    if (st.capture) {
      if (st.source) st.source.disconnect();   // no more sound in; what the resampler holds goes out
      st.capture.flush(sendEnd);
      setTimeout(sendEnd, 1000);
    } else sendEnd();
  }

  // Stops the microphone and camera and the audio graph (the stream itself may still wait for its result).
  function release(st) {
    if (st.frameTimer !== null) { clearInterval(st.frameTimer); st.frameTimer = null; }
    if (st.media) st.media.getTracks().forEach(function (t) { t.stop(); });
    if (st.capture) { st.capture.node.disconnect(); st.capture = null; }
    if (st.ctx && st.ctx.state !== 'closed') st.ctx.close().catch(function () {});
    var video = byId('preview');
    if (video.srcObject === st.media) { video.pause(); video.srcObject = null; video.hidden = true; }
  }

  function finish(st, state, text) {
    release(st);
    if (st.ws && st.ws.readyState <= WebSocket.OPEN) st.ws.close(1000);
    if (session !== st) return;
    session = null;
    st.ended = true;
    setState(state, text);
    setButton('Start', true, false);
    render();
  }

  document.addEventListener('DOMContentLoaded', function () {
    resetView();
    byId('toggle').addEventListener('click', function () { if (session) stop(); else start(); });
    document.documentElement.setAttribute('data-ready', 'true');
  });
})();
