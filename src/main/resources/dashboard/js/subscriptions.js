// The subscription list with health badges, and the selected subscription's health, charts and actions.

import { get, post } from './api.js';
import { stackedBars, lines } from './charts.js';
import { $, el, fill } from './dom.js';
import { count, millis, millisList, percent, relative, time } from './format.js';
import { tile } from './overview.js';
import { state } from './state.js';
import { announce, badge, busy, healthBadge, showError, showNotice } from './ui.js';

const PAGE_SIZE = 50;
let hooks = { onChange: () => {} };

export function initSubscriptions(options) {
  hooks = options;
  $('#refresh-subscriptions').addEventListener('click', () => loadSubscriptions());
  $('#subscriptions-more').addEventListener('click', () => loadSubscriptions({ more: true }));
  $('#stats-window').addEventListener('change', (event) => {
    state.statsWindow = event.target.value;
    renderDetail();
  });
  $('#action-test').addEventListener('click', (event) => busy(event.currentTarget, sendTestEvent));
  $('#action-retry-failed').addEventListener('click', (event) => busy(event.currentTarget, retryFailed));
  $('#action-toggle').addEventListener('click', (event) => busy(event.currentTarget, toggle));
  $('#action-rotate').addEventListener('click', (event) => busy(event.currentTarget, rotate));
  $('#subscription-list').addEventListener('keydown', moveBetweenItems);
}

/**
 * The admin token cannot read a tenant's subscriptions, so the admin sees the subscriptions that
 * /v1/stats ranks as failing most, across every tenant, and picks one to filter the deliveries.
 */
export function renderAdminList(stats) {
  state.subscriptions.clear();
  const ranked = [...(stats?.most_failing_subscriptions ?? [])];
  for (const rank of ranked) {
    state.subscriptions.set(rank.subscription_id, { id: rank.subscription_id, url: rank.url, status: rank.status });
    state.subscriptionStats.set(rank.subscription_id, { failure_streak: rank.failure_streak });
  }
  fill($('#subscriptions-title'), 'Subscriptions failing most (all tenants)');
  fill($('#subscription-list'), ranked.map((rank) => {
    const subscription = state.subscriptions.get(rank.subscription_id);
    return el('li', {},
      el('button', {
        type: 'button', class: 'subscription-item', 'data-id': rank.subscription_id,
        onclick: () => hooks.onChange(rank.subscription_id),
      },
      el('span', { class: 'name', text: rank.url }),
      healthBadge(subscription, state.subscriptionStats.get(rank.subscription_id)),
      el('span', { class: 'url', text: `${count(rank.failures)} failed of ${count(rank.attempts)} attempts · tenant ${rank.tenant_id}` })));
  }));
  fill($('#subscription-empty'), 'No subscription failed in the last 24 hours. Sign in with a tenant\'s API key to manage its subscriptions.');
  $('#subscription-empty').hidden = ranked.length > 0;
  $('#subscriptions-more').hidden = true;
  $('#subscription-detail').hidden = true;
  renderFilterOptions();
}

export async function loadSubscriptions({ more = false } = {}) {
  if (state.role !== 'tenant') return;
  fill($('#subscriptions-title'), 'Subscriptions');
  fill($('#subscription-empty'), 'No subscriptions yet. Create one with POST /v1/subscriptions (see the README walkthrough).');
  try {
    const page = await get('/v1/subscriptions', { limit: PAGE_SIZE, cursor: more ? state.subscriptionsCursor : null });
    if (!more) state.subscriptions.clear();
    for (const subscription of page.data) state.subscriptions.set(subscription.id, subscription);
    state.subscriptionsCursor = page.next_cursor;
    await Promise.all(page.data.map((subscription) => loadHealth(subscription.id)));
    if (!state.selectedSubscription || !state.subscriptions.has(state.selectedSubscription)) {
      const first = [...state.subscriptions.values()];
      const failing = first.find((s) => state.subscriptionStats.get(s.id)?.failure_streak > 0 && s.status === 'active');
      state.selectedSubscription = (failing ?? first[0])?.id ?? null;
    }
    renderList();
    renderFilterOptions();
    await renderDetail();
  } catch (error) {
    showError(error, 'Loading subscriptions');
  }
}

/** The badge needs the failure streak, which comes with the subscription's stats. */
async function loadHealth(id) {
  try {
    state.subscriptionStats.set(id, await get(`/v1/subscriptions/${encodeURIComponent(id)}/stats`, { window: '1h' }));
  } catch (error) {
    state.subscriptionStats.delete(id);
    showError(error, 'Loading a subscription\'s health');
  }
}

/** Called when live updates touched these subscriptions: badges and the open detail follow. */
export async function refreshHealth(ids) {
  const known = [...ids].filter((id) => state.subscriptions.has(id));
  if (known.length === 0) return;
  const before = new Map(known.map((id) => [id, state.subscriptionStats.get(id)?.failure_streak ?? 0]));
  await Promise.all(known.map(loadHealth));
  renderList();
  for (const id of known) {
    const was = before.get(id);
    const now = state.subscriptionStats.get(id)?.failure_streak ?? 0;
    if (was > 0 && now === 0) announce(`${label(state.subscriptions.get(id))} is healthy again.`);
    if (was === 0 && now > 0) announce(`${label(state.subscriptions.get(id))} is failing.`);
  }
  if (known.includes(state.selectedSubscription)) await renderDetail();
}

function label(subscription) {
  return subscription.description || subscription.url;
}

function renderList() {
  const list = $('#subscription-list');
  const items = [...state.subscriptions.values()].map((subscription) => {
    const stats = state.subscriptionStats.get(subscription.id);
    const selected = subscription.id === state.selectedSubscription;
    return el('li', {},
      el('button', {
        type: 'button', class: 'subscription-item', 'aria-current': selected ? 'true' : 'false',
        'data-id': subscription.id, onclick: () => select(subscription.id),
      },
      el('span', { class: 'name', text: label(subscription) }),
      healthBadge(subscription, stats),
      subscription.description ? el('span', { class: 'url', text: subscription.url }) : null,
      subscription.status === 'disabled'
        ? el('span', { class: 'disabled-reason', text: `Disabled: ${subscription.disabled_reason ?? 'no reason given'}` })
        : null));
  });
  fill(list, items);
  $('#subscription-empty').hidden = items.length > 0;
  $('#subscriptions-more').hidden = !state.subscriptionsCursor;
}

function moveBetweenItems(event) {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
  const buttons = [...$('#subscription-list').querySelectorAll('.subscription-item')];
  const at = buttons.indexOf(document.activeElement);
  if (at < 0) return;
  event.preventDefault();
  const next = event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1
    : Math.min(buttons.length - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1)));
  buttons[next].focus();
}

async function select(id) {
  if (id !== state.selectedSubscription) hideSecret();
  state.selectedSubscription = id;
  renderList();
  hooks.onChange(id);
  await renderDetail();
  $('#detail-title').focus();
}

function renderFilterOptions() {
  const select = $('#filter-subscription');
  const current = select.value;
  fill(select, el('option', { value: '', text: 'All subscriptions' }),
    [...state.subscriptions.values()].map((s) => el('option', { value: s.id, text: label(s) })));
  select.value = state.subscriptions.has(current) ? current : '';
}

export async function renderDetail() {
  const section = $('#subscription-detail');
  const subscription = state.subscriptions.get(state.selectedSubscription);
  if (!subscription) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  fill($('#detail-title'), label(subscription));
  fill($('#detail-url'), subscription.description ? subscription.url : '');
  fill($('#detail-badge'), healthBadge(subscription, state.subscriptionStats.get(subscription.id)));
  const reason = $('#detail-reason');
  reason.hidden = subscription.status !== 'disabled';
  fill(reason, subscription.status === 'disabled'
    ? `Disabled ${relative(subscription.disabled_at)}: ${subscription.disabled_reason ?? 'no reason given'}. Enable it to send again; parked deliveries are queued again.`
    : '');
  const toggleButton = $('#action-toggle');
  fill(toggleButton, subscription.status === 'disabled' ? 'Enable' : 'Disable');
  toggleButton.classList.toggle('danger', subscription.status !== 'disabled');
  toggleButton.classList.toggle('primary', subscription.status === 'disabled');
  try {
    const stats = await get(`/v1/subscriptions/${encodeURIComponent(subscription.id)}/stats`, { window: state.statsWindow });
    if (state.selectedSubscription !== subscription.id) return;
    renderStats(stats);
  } catch (error) {
    showError(error, 'Loading the subscription\'s statistics');
  }
}

function renderStats(stats) {
  const streak = stats.failure_streak;
  fill($('#detail-tiles'),
    tile('Success rate', percent(stats.success_rate), stats.success_rate === null ? null : stats.success_rate < 0.95 ? 'bad' : 'ok'),
    tile('Succeeded', count(stats.successes)),
    tile('Failed', count(stats.failures), stats.failures > 0 ? 'bad' : null),
    tile('Failing in a row', count(streak), streak > 0 ? 'bad' : null),
    tile('Latency p50 / p95 / p99', millisList([stats.latency_ms.p50, stats.latency_ms.p95, stats.latency_ms.p99])),
    tile('Waiting / parked', `${count(stats.backlog.pending)} / ${count(stats.backlog.parked)}`),
    tile('Last success', relative(stats.last_success_at)),
    tile('Last failure', relative(stats.last_failure_at), stats.last_failure_at ? 'bad' : null));
  const bucketLabel = (bucket) => {
    const date = new Date(bucket.start);
    return stats.bucket_seconds >= 21600
      ? date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit' })
      : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  };
  fill($('#detail-charts'),
    stackedBars({
      title: 'Attempts over time',
      buckets: stats.series,
      series: [{ key: 'successes', label: 'Succeeded', className: 's-ok' }, { key: 'failures', label: 'Failed', className: 's-bad' }],
      formatX: bucketLabel,
      summary: `${stats.successes} succeeded and ${stats.failures} failed attempts from ${time(stats.from)} to ${time(stats.to)}.`,
    }),
    lines({
      title: 'Latency (p95)',
      buckets: stats.series,
      series: [{ key: 'p95_ms', label: 'p95', className: 's-p95' }],
      formatX: bucketLabel,
      formatY: millis,
      summary: `p50 ${millis(stats.latency_ms.p50)}, p95 ${millis(stats.latency_ms.p95)}, p99 ${millis(stats.latency_ms.p99)} over the window.`,
    }));
}

function testEventType(subscription) {
  const filters = subscription.event_types ?? [];
  if (filters.length === 0 || filters.includes('*')) return 'hookrelay.test';
  const first = filters[0];
  return first.endsWith('.*') ? `${first.slice(0, -2)}.test` : first;
}

async function sendTestEvent() {
  const subscription = state.subscriptions.get(state.selectedSubscription);
  const type = testEventType(subscription);
  try {
    const event = await post('/v1/events', {
      type,
      data: { test: true, message: 'Test event sent from the Hookrelay dashboard' },
      subscription_ids: [subscription.id],
    });
    showNotice(`Test event ${event.id} (${type}) published; its delivery appears in the table below.`);
    announce(`Test event published to ${label(subscription)}.`);
    hooks.onChange(subscription.id);
  } catch (error) {
    showError(error, 'Sending a test event');
  }
}

async function retryFailed() {
  const subscription = state.subscriptions.get(state.selectedSubscription);
  try {
    const result = await post('/v1/deliveries/retry', { subscription_id: subscription.id, status: 'failed' });
    const more = result.limit_reached ? ' More matched: press the button again to queue the rest.' : '';
    showNotice(`${result.queued} failed ${result.queued === 1 ? 'delivery' : 'deliveries'} of ${label(subscription)} queued again.${more}`);
    hooks.onChange(subscription.id);
  } catch (error) {
    showError(error, 'Retrying failed deliveries');
  }
}

async function toggle() {
  const subscription = state.subscriptions.get(state.selectedSubscription);
  const path = `/v1/subscriptions/${encodeURIComponent(subscription.id)}`;
  try {
    let updated;
    if (subscription.status === 'disabled') {
      updated = await post(`${path}/enable`);
      announce(`${label(subscription)} enabled.`);
    } else {
      const reason = window.prompt('Disable this subscription? Its pending deliveries are parked until you enable it.\n\nReason:', 'disabled from the dashboard');
      if (reason === null) return;
      updated = await post(`${path}/disable`, reason.trim() ? { reason: reason.trim().slice(0, 500) } : {});
      announce(`${label(subscription)} disabled.`);
    }
    state.subscriptions.set(updated.id, updated);
    await loadHealth(updated.id);
    renderList();
    await renderDetail();
    hooks.onChange(updated.id);
  } catch (error) {
    showError(error, subscription.status === 'disabled' ? 'Enabling the subscription' : 'Disabling the subscription');
  }
}

async function rotate() {
  const subscription = state.subscriptions.get(state.selectedSubscription);
  if (!window.confirm('Rotate the signing secret? The current secret keeps signing during the overlap, so receivers can switch over.')) return;
  try {
    const secret = await post(`/v1/subscriptions/${encodeURIComponent(subscription.id)}/secret/rotate`);
    fill($('#secret-value'), secret.secret);
    fill($('#secret-until'), time(secret.previous_secret_expires_at));
    $('#secret-box').hidden = false;
    announce('Signing secret rotated. The new secret is shown.');
  } catch (error) {
    showError(error, 'Rotating the secret');
  }
}

export function hideSecret() {
  $('#secret-box').hidden = true;
  fill($('#secret-value'));
}

export { badge };
