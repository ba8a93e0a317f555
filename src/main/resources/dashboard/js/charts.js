// Charts drawn as inline SVG (no library, nothing from the network). Each chart is a figure with a
// caption and an aria-label that states the totals, so it is not only visual.

import { el, svg } from './dom.js';

const WIDTH = 400;
const HEIGHT = 170;
const PAD = { top: 10, right: 8, bottom: 24, left: 46 };

function scaleMax(value) {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * magnitude) return step * magnitude;
  }
  return 10 * magnitude;
}

function axes(max, buckets, formatY, formatX) {
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const plotW = WIDTH - PAD.left - PAD.right;
  const nodes = [];
  for (const fraction of [0, 0.5, 1]) {
    const y = PAD.top + plotH * (1 - fraction);
    nodes.push(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y, y2: y, class: 'grid' }));
    nodes.push(svg('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick', text: formatY(max * fraction) }));
  }
  if (buckets.length > 0) {
    const picks = [...new Set([0, Math.floor((buckets.length - 1) / 2), buckets.length - 1])];
    for (const i of picks) {
      const x = PAD.left + plotW * ((i + 0.5) / buckets.length);
      const anchor = i === 0 ? 'start' : i === buckets.length - 1 ? 'end' : 'middle';
      nodes.push(svg('text', { x, y: HEIGHT - 8, 'text-anchor': anchor, class: 'tick', text: formatX(buckets[i]) }));
    }
  }
  return nodes;
}

/** Stacked bars per bucket: one series per {key, label, className}. */
export function stackedBars({ title, buckets, series, formatX, summary }) {
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const plotW = WIDTH - PAD.left - PAD.right;
  const totals = buckets.map((b) => series.reduce((sum, s) => sum + (b[s.key] ?? 0), 0));
  // Counts: the middle grid line must fall on a whole number.
  const max = Math.max(2, Math.ceil(scaleMax(Math.max(0, ...totals)) / 2) * 2);
  const slot = buckets.length ? plotW / buckets.length : plotW;
  const barW = Math.max(1, slot * 0.7);
  const bars = [];
  buckets.forEach((bucket, i) => {
    let y = PAD.top + plotH;
    for (const s of series) {
      const value = bucket[s.key] ?? 0;
      if (value <= 0) continue;
      const h = (value / max) * plotH;
      y -= h;
      bars.push(svg('rect', { x: PAD.left + i * slot + (slot - barW) / 2, y, width: barW, height: h, class: s.className },
        svg('title', { text: `${formatX(bucket)}: ${value} ${s.label.toLowerCase()}` })));
    }
  });
  return figure(title, summary, series, svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `${title}. ${summary}`,
  }, axes(max, buckets, (v) => String(Math.round(v)), formatX), bars));
}

/** One line per series over the buckets; gaps where a bucket has no value. */
export function lines({ title, buckets, series, formatX, formatY, summary }) {
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const plotW = WIDTH - PAD.left - PAD.right;
  const values = buckets.flatMap((b) => series.map((s) => b[s.key])).filter((v) => typeof v === 'number');
  const max = scaleMax(Math.max(0, ...values));
  const paths = series.map((s) => {
    let d = '';
    let pen = false;
    buckets.forEach((bucket, i) => {
      const value = bucket[s.key];
      if (typeof value !== 'number') {
        pen = false;
        return;
      }
      const x = PAD.left + plotW * ((i + 0.5) / buckets.length);
      const y = PAD.top + plotH * (1 - value / max);
      d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
      pen = true;
    });
    const dots = buckets.map((bucket, i) => {
      const value = bucket[s.key];
      if (typeof value !== 'number') return null;
      return svg('circle', {
        cx: PAD.left + plotW * ((i + 0.5) / buckets.length), cy: PAD.top + plotH * (1 - value / max), r: 2.5, class: s.className,
      }, svg('title', { text: `${formatX(bucket)}: ${s.label} ${formatY(value)}` }));
    });
    return [svg('path', { d: d.trim() || 'M0,0', class: ['line', s.className] }), dots];
  });
  return figure(title, summary, series, svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `${title}. ${summary}`,
  }, axes(max, buckets, formatY, formatX), paths));
}

function figure(title, summary, series, chart) {
  return el('figure', { class: 'chart' },
    el('figcaption', {},
      el('span', { class: 'chart-title', text: title }),
      el('span', { class: 'legend' }, series.map((s) => el('span', { class: ['key', s.className] }, s.label)))),
    chart,
    el('p', { class: 'visually-hidden', text: summary }));
}
