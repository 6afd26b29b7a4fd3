// The audit explorer's overview: a timeline of the log's events per hour or day by outcome
// (an SVG chart drawn here, with the same counts as a table for those who cannot see it), and
// the accesses worth a look. Each reading is a use of the audit log, which the server records.
import { api } from '/ui/api.js';
import { el, field, sortableTable } from '/ui/dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const OUTCOMES = [['success', 'Allowed'], ['denied', 'Denied'], ['failed', 'Failed']];

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

// A time as the period's form shows it: UTC, to the minute.
function minute(date) { return date.toISOString().slice(0, 16); }

function label(start, bucket) {
  return bucket === 'day' ? start.slice(0, 10) : `${start.slice(0, 10)} ${start.slice(11, 16)}`;
}

// Stacked bars, one per bucket; the largest bucket fills the height.
function chart(timeline) {
  const width = 900, height = 180, left = 40, bottom = 24;
  const counts = timeline.counts;
  const totals = counts.map((c) => c.success + c.denied + c.failed);
  const top = Math.max(1, ...totals);
  const step = (width - left) / Math.max(1, counts.length);
  const total = totals.reduce((a, b) => a + b, 0);
  const node = svg('svg', { id: 'timeline-chart', viewBox: `0 0 ${width} ${height + bottom}`, role: 'img', 'aria-labelledby': 'timeline-title timeline-summary', class: 'timeline' },
    svg('title', { id: 'timeline-title' }, `Audit events per ${timeline.bucket}`),
    svg('desc', { id: 'timeline-summary' }, `${total} events from ${label(timeline.from, timeline.bucket)} to ${label(timeline.to, 'hour')} UTC, at most ${top} in one ${timeline.bucket}; the table below lists every ${timeline.bucket}.`),
    svg('line', { x1: left, y1: height, x2: width, y2: height, class: 'axis' }),
    svg('text', { x: left - 6, y: 12, 'text-anchor': 'end', class: 'tick' }, top),
    svg('text', { x: left - 6, y: height, 'text-anchor': 'end', class: 'tick' }, 0));
  counts.forEach((count, index) => {
    let y = height;
    for (const [outcome] of OUTCOMES) {
      const h = (count[outcome] / top) * (height - 4);
      if (h > 0) {
        y -= h;
        node.append(svg('rect', { x: left + index * step + 1, y, width: Math.max(1, step - 2), height: h, class: `bar-${outcome}` },
          svg('title', {}, `${label(count.start, timeline.bucket)}: ${count[outcome]} ${outcome}`)));
      }
    }
  });
  // About eight labels along the time axis, whatever the number of buckets, none cut by the edge.
  const every = Math.max(1, Math.ceil(counts.length / 8));
  counts.forEach((count, index) => {
    if (index % every === 0 && left + index * step < width - 110) node.append(svg('text', { x: left + index * step, y: height + 16, class: 'tick' }, label(count.start, timeline.bucket)));
  });
  return node;
}

function legend() {
  return el('p', { class: 'legend' }, ...OUTCOMES.map(([outcome, text]) => el('span', {}, el('span', { class: `swatch bar-${outcome}`, 'aria-hidden': 'true' }), text)));
}

export function auditInsights(problem) {
  const now = new Date();
  const form = el('form', { class: 'inline', 'aria-label': 'Period of the timeline and the anomalies' },
    field('From (UTC)', 'period_from', 'datetime-local', { value: minute(new Date(now.getTime() - 86400000)) }),
    field('To (UTC)', 'period_to', 'datetime-local', { value: minute(new Date(now.getTime() + 60000)) }),
    el('div', {}, el('label', { for: 'f-bucket' }, 'Per'),
      el('select', { id: 'f-bucket', name: 'bucket' }, el('option', { value: 'hour' }, 'hour'), el('option', { value: 'day' }, 'day'))),
    el('button', { type: 'submit' }, 'Show period'));
  const timeline = el('div', { id: 'audit-timeline' });
  const anomalies = el('div', { id: 'audit-anomalies' });
  const load = async () => {
    const data = new FormData(form);
    const period = new URLSearchParams();
    if (data.get('period_from')) period.set('from', `${data.get('period_from')}:00Z`);
    if (data.get('period_to')) period.set('to', `${data.get('period_to')}:00Z`);
    timeline.replaceChildren(el('p', {}, 'Loading…'));
    anomalies.replaceChildren();
    try {
      const [counts, found] = await Promise.all([
        api.get(`/api/audit/timeline?${period}&bucket=${encodeURIComponent(data.get('bucket'))}`),
        api.get(`/api/audit/anomalies?${period}`)]);
      const rows = counts.counts.filter((c) => c.success + c.denied + c.failed > 0);
      timeline.replaceChildren(chart(counts), legend(),
        el('details', {}, el('summary', {}, `The timeline as a table (${rows.length} ${counts.bucket}s with events)`),
          el('table', { id: 'timeline-table' },
            el('caption', {}, `Audit events per ${counts.bucket} (UTC)`),
            el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, counts.bucket === 'day' ? 'Day' : 'Hour'),
              ...OUTCOMES.map(([, text]) => el('th', { scope: 'col' }, text)))),
            el('tbody', {}, ...rows.map((c) => el('tr', {}, el('th', { scope: 'row' }, label(c.start, counts.bucket)),
              el('td', {}, c.success), el('td', {}, c.denied), el('td', {}, c.failed)))))));
      anomalies.replaceChildren(found.length
        ? sortableTable([
          { title: 'Kind', value: (a) => a.kind, cell: (a) => el('span', { class: a.kind === 'break-the-glass' ? 'warning' : '' }, a.kind) },
          { title: 'Who', value: (a) => a.principal },
          { title: 'When', value: (a) => a.time },
          { title: 'What', value: (a) => a.detail },
        ], found)
        : el('p', {}, 'No access worth a look in this period.'));
    } catch (error) {
      timeline.replaceChildren(problem(error));
    }
  };
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  load();
  return el('div', {},
    el('div', { class: 'card' }, el('h2', {}, 'Timeline'), form, timeline),
    el('div', { class: 'card' }, el('h2', {}, 'Anomalies'), anomalies));
}
