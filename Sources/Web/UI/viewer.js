// The image viewer: a series' images (every frame of every instance) on a canvas, decoded in the
// browser from WADO-RS frames of native pixel data, with window/level (drag, presets), zoom and
// pan, scrolling through images and frames, and the tags of the current image as the
// principal's view shows them.
import { api, value } from '/ui/api.js';
import { el } from '/ui/dom.js';

const T = {
  rows: '00280010', columns: '00280011', bitsAllocated: '00280100', pixelRepresentation: '00280103', samples: '00280002',
  photometric: '00280004', frames: '00280008', center: '00281050', width: '00281051', intercept: '00281052', slope: '00281053',
  instanceNumber: '00200013', sop: '00080018', modality: '00080060',
};
// The keys the canvas answers, listed on the page: the viewer is usable without a mouse.
const SHORTCUTS = () => el('details', { id: 'viewer-shortcuts' }, el('summary', {}, 'Keyboard shortcuts'),
  el('dl', { class: 'shortcuts' }, ...[['↓ → Page Down', 'next image'], ['↑ ← Page Up', 'previous image'], ['Home / End', 'first / last image'],
    ['+ / -', 'zoom in / out'], ['0', 'fit, no pan'], ['drag', 'window (horizontal) and level (vertical)'], ['Shift + drag', 'pan'],
    ['wheel', 'scroll the series']].flatMap(([key, what]) => [el('dt', {}, key), el('dd', {}, what)])));
const PRESETS = { Default: null, 'Soft tissue': [40, 400], Lung: [-600, 1500], Bone: [300, 1500], Brain: [40, 80] };

// The first part of a multipart/related body (PS3.18 8.7.2): the bytes between the part's
// header and the next delimiter.
function firstPart(buffer, contentType) {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error('the frame answer has no multipart boundary');
  const bytes = new Uint8Array(buffer);
  const find = (needle, from) => {
    outer: for (let i = from; i <= bytes.length - needle.length; i++) {
      for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
      return i;
    }
    return -1;
  };
  const encode = (text) => new TextEncoder().encode(text);
  const start = find(encode('\r\n\r\n'), find(encode(`--${boundary}`), 0)) + 4;
  const end = find(encode(`\r\n--${boundary}`), start);
  if (start < 4 || end < 0) throw new Error('the frame answer is not a complete multipart body');
  return bytes.slice(start, end).buffer;
}

class Image {
  constructor(attributes, frame, path) {
    this.attributes = attributes;
    this.frame = frame;
    this.path = path;
    this.number = Number(value(attributes, T.instanceNumber)) || 0;
  }

  get(tag) { return value(this.attributes, tag); }

  async pixels() {
    if (this.loaded) return this.loaded;
    const response = await fetch(`${this.path}/frames/${this.frame}`, { headers: { Accept: 'multipart/related; type="application/octet-stream"' }, credentials: 'same-origin' });
    if (!response.ok) throw new Error((await response.json()).detail ?? `HTTP ${response.status}`);
    const data = new DataView(firstPart(await response.arrayBuffer(), response.headers.get('Content-Type')));
    const count = Number(this.get(T.rows)) * Number(this.get(T.columns)) * (Number(this.get(T.samples)) || 1);
    const bits = Number(this.get(T.bitsAllocated)), signed = this.get(T.pixelRepresentation) === '1';
    const slope = Number(this.get(T.slope) || 1), intercept = Number(this.get(T.intercept) || 0);
    const values = new Float32Array(count);
    let low = Infinity, high = -Infinity;
    for (let i = 0; i < count; i++) {
      const raw = bits === 16 ? (signed ? data.getInt16(i * 2, true) : data.getUint16(i * 2, true)) : (signed ? data.getInt8(i) : data.getUint8(i));
      const v = raw * slope + intercept;
      values[i] = v;
      if (v < low) low = v;
      if (v > high) high = v;
    }
    this.loaded = { values, low, high };
    return this.loaded;
  }

  defaultWindow(loaded) {
    const center = Number(this.get(T.center)), width = Number(this.get(T.width));
    if (Number.isFinite(center) && Number.isFinite(width) && width > 0 && this.attributes[T.width]) return [center, width];
    return [(loaded.low + loaded.high) / 2, Math.max(1, loaded.high - loaded.low)];
  }
}

export async function viewerPage(study, series, show, problem) {
  const base = `/dicomweb/studies/${encodeURIComponent(study)}/series/${encodeURIComponent(series)}`;
  const canvas = el('canvas', { id: 'viewer-canvas', tabindex: '0', 'aria-label': 'Image; drag to change window and level, arrow keys to scroll, + and - to zoom' });
  const status = el('p', { id: 'viewer-status', role: 'status' }, 'Loading…');
  const windowLabel = el('span', { id: 'viewer-window' });
  const tags = el('div', { id: 'viewer-tags' });
  const presets = el('div', { class: 'presets' }, ...Object.keys(PRESETS).map((name) =>
    el('button', { type: 'button', class: 'secondary', 'data-preset': name, onclick: () => { state.window = PRESETS[name] ?? state.image.defaultWindow(state.loaded); draw(); } }, name)));
  const page = el('section', {}, el('h1', {}, 'Viewer'), el('p', {}, el('a', { href: `#/study/${encodeURIComponent(study)}` }, 'Back to the study')),
    el('div', { class: 'viewer' }, el('div', { class: 'stage' }, canvas), el('div', { class: 'side' }, status, windowLabel, presets, SHORTCUTS(), tags)));
  show(page, 'Viewer');

  const state = { images: [], index: 0, image: null, loaded: null, window: [0, 1], zoom: 1, pan: [0, 0] };
  let instances;
  try {
    instances = await api.get(`${base}/instances?includefield=${Object.values(T).join(',')}`);
  } catch (error) {
    page.replaceChildren(el('h1', {}, 'Viewer'), problem(error));
    return;
  }
  for (const attributes of instances) {
    const path = `${base}/instances/${encodeURIComponent(value(attributes, T.sop))}`;
    const frames = Number(value(attributes, T.frames)) || 1;
    for (let frame = 1; frame <= frames; frame++) state.images.push(new Image(attributes, frame, path));
  }
  state.images.sort((a, b) => a.number - b.number || a.frame - b.frame);
  if (state.images.length === 0) { status.textContent = 'This series has no image.'; return; }

  function draw() {
    const { image, loaded } = state;
    if (!loaded) return;
    const rows = Number(image.get(T.rows)), columns = Number(image.get(T.columns));
    const rgb = (Number(image.get(T.samples)) || 1) === 3;
    const invert = image.get(T.photometric) === 'MONOCHROME1';
    const [center, width] = state.window;
    canvas.width = columns;
    canvas.height = rows;
    const context = canvas.getContext('2d');
    const pixels = context.createImageData(columns, rows);
    for (let i = 0; i < rows * columns; i++) {
      if (rgb) {
        for (let c = 0; c < 3; c++) pixels.data[i * 4 + c] = loaded.values[i * 3 + c];
      } else {
        // The linear VOI function of PS3.3 C.11.2.1.2.1.
        let gray = ((loaded.values[i] - (center - 0.5)) / Math.max(width - 1, 1) + 0.5) * 255;
        gray = Math.min(255, Math.max(0, gray));
        if (invert) gray = 255 - gray;
        pixels.data[i * 4] = pixels.data[i * 4 + 1] = pixels.data[i * 4 + 2] = gray;
      }
      pixels.data[i * 4 + 3] = 255;
    }
    context.putImageData(pixels, 0, 0);
    // Shown as large as the stage allows at zoom 1, whatever the matrix size.
    const stage = canvas.parentElement;
    const fit = Math.min(stage.clientWidth / columns, Math.max(stage.clientHeight, 520) / rows);
    canvas.style.width = `${Math.floor(columns * fit)}px`;
    canvas.style.height = `${Math.floor(rows * fit)}px`;
    canvas.style.transform = `translate(${state.pan[0]}px, ${state.pan[1]}px) scale(${state.zoom})`;
    windowLabel.textContent = `Window ${Math.round(center)} / ${Math.round(width)} · zoom ${state.zoom.toFixed(2)}`;
    status.textContent = `Image ${state.index + 1} of ${state.images.length} (instance ${image.number}${image.frame > 1 || Number(image.get(T.frames)) > 1 ? `, frame ${image.frame}` : ''})`;
  }

  async function open(index) {
    state.index = Math.max(0, Math.min(state.images.length - 1, index));
    const image = state.images[state.index];
    try {
      const loaded = await image.pixels();
      const sameSeries = state.image && state.loaded;
      state.image = image;
      state.loaded = loaded;
      if (!sameSeries) state.window = image.defaultWindow(loaded);
      draw();
      if (image.frame === 1) showTags(image);
    } catch (error) {
      status.replaceChildren(problem(error));
    }
  }

  async function showTags(image) {
    try {
      const [metadata] = await api.get(`${image.path}/metadata`);
      tags.replaceChildren(el('h2', {}, 'Tags'), el('table', { class: 'tags' }, el('tbody', {}, ...Object.entries(metadata).map(([tag, element]) =>
        el('tr', {}, el('td', {}, `(${tag.slice(0, 4)},${tag.slice(4)})`), el('td', {}, element.vr),
           el('td', {}, (element.Value ?? []).map((v) => (typeof v === 'object' ? (v.Alphabetic ?? '…') : v)).join('\\')))))));
    } catch (error) {
      tags.replaceChildren(problem(error));
    }
  }

  let drag = null;
  canvas.addEventListener('pointerdown', (event) => { drag = { x: event.clientX, y: event.clientY, window: [...state.window], pan: [...state.pan], shift: event.shiftKey }; canvas.setPointerCapture(event.pointerId); });
  canvas.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (drag.shift) state.pan = [drag.pan[0] + dx, drag.pan[1] + dy];
    else state.window = [drag.window[0] + dy * 2, Math.max(1, drag.window[1] + dx * 4)];
    draw();
  });
  canvas.addEventListener('pointerup', () => { drag = null; });
  canvas.addEventListener('wheel', (event) => { event.preventDefault(); open(state.index + Math.sign(event.deltaY)); });
  canvas.addEventListener('keydown', (event) => {
    const actions = {
      ArrowDown: () => open(state.index + 1), ArrowRight: () => open(state.index + 1), PageDown: () => open(state.index + 1),
      ArrowUp: () => open(state.index - 1), ArrowLeft: () => open(state.index - 1), PageUp: () => open(state.index - 1),
      Home: () => open(0), End: () => open(state.images.length - 1),
      '+': () => { state.zoom = Math.min(8, state.zoom * 1.25); draw(); }, '-': () => { state.zoom = Math.max(0.125, state.zoom / 1.25); draw(); },
      0: () => { state.zoom = 1; state.pan = [0, 0]; draw(); },
    };
    if (actions[event.key]) { event.preventDefault(); actions[event.key](); }
  });
  await open(0);
  canvas.focus();
}
