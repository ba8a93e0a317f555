// The tiles at the top: totals of the last 24 hours for the tenant (or every tenant, for the admin).

import { get } from './api.js';
import { $, el, fill } from './dom.js';
import { count, millis, percent } from './format.js';
import { showError } from './ui.js';

export async function loadOverview() {
  try {
    const stats = await get('/v1/stats', { window: '24h' });
    renderOverview(stats);
    return stats;
  } catch (error) {
    showError(error, 'Loading the overview');
    return null;
  }
}

export function renderOverview(stats) {
  const rate = stats.success_rate;
  fill($('#overview-tiles'),
    tile('Attempts, last 24 h', count(stats.attempts)),
    tile('Success rate', percent(rate), rate === null ? null : rate < 0.95 ? 'bad' : 'ok'),
    tile('Failed attempts', count(stats.failures), stats.failures > 0 ? 'bad' : null),
    tile('Latency p95', millis(stats.latency_ms?.p95)),
    tile('Waiting to send', count(stats.backlog?.pending)),
    tile('Subscriptions', `${count(stats.subscriptions?.active)} active · ${count(stats.subscriptions?.disabled)} off`));
}

export function tile(label, value, tone) {
  return el('div', { class: ['tile', tone] }, el('dt', { text: label }), el('dd', { text: value }));
}
