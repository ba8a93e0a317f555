// The deliveries table: filters, keyset pages (newest first) and rows that follow live outcomes.

import { get } from './api.js';
import { $, el, fill } from './dom.js';
import { relative, shortId, time } from './format.js';
import { state, subscriptionName } from './state.js';
import { badge, showError } from './ui.js';

const PAGE_SIZE = 25;
let openDelivery = () => {};

export function initDeliveries(options) {
  openDelivery = options.openDelivery;
  const form = $('#filters');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    applyFilters();
  });
  form.addEventListener('reset', () => setTimeout(applyFilters, 0));
  $('#page-first').addEventListener('click', () => {
    state.pageCursors = [];
    state.pageCursor = null;
    loadDeliveries();
  });
  $('#page-next').addEventListener('click', () => {
    state.pageCursors.push(state.pageCursor);
    state.pageCursor = state.nextCursor;
    loadDeliveries();
  });
}

function applyFilters() {
  const form = new FormData($('#filters'));
  const filters = {};
  for (const name of ['subscription_id', 'status', 'event_id']) {
    const value = String(form.get(name) ?? '').trim();
    if (value) filters[name] = value;
  }
  for (const name of ['since', 'until']) {
    const value = String(form.get(name) ?? '');
    if (value) {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) filters[name] = date.toISOString();
    }
  }
  state.filters = filters;
  state.pageCursors = [];
  state.pageCursor = null;
  loadDeliveries();
}

/** Shows one subscription's deliveries (after selecting it, sending a test event, ...). */
export function filterBySubscription(id) {
  $('#filter-subscription').value = id ?? '';
  applyFilters();
}

// Outcomes that arrive while a page loads are kept and applied to the page once it is there, so an
// answer computed before them cannot undo them.
let loading = 0;
let arrivedWhileLoading = [];

export async function loadDeliveries() {
  const table = $('#deliveries-table');
  table.setAttribute('aria-busy', 'true');
  const ticket = ++loading;
  arrivedWhileLoading = [];
  try {
    const page = await get('/v1/deliveries', { ...state.filters, limit: PAGE_SIZE, cursor: state.pageCursor });
    if (ticket !== loading) return;
    state.deliveries = new Map(page.data.map((d) => [d.id, d]));
    state.nextCursor = page.next_cursor;
    render();
    const missed = arrivedWhileLoading;
    arrivedWhileLoading = [];
    loading = 0;
    for (const outcome of missed) await applyOutcome(outcome);
  } catch (error) {
    if (ticket === loading) loading = 0;
    showError(error, 'Loading deliveries');
  } finally {
    table.removeAttribute('aria-busy');
  }
}

/** An outcome older than what a row shows (out of order, or before a retry) must not roll it back. */
function isNewer(outcome, delivery) {
  if (!delivery.last_attempt_at) return true;
  return new Date(outcome.attempted_at).getTime() >= new Date(delivery.last_attempt_at).getTime();
}

function render() {
  // Redrawing must not throw a keyboard user's focus back to the top of the page.
  const focused = document.activeElement?.closest?.('#deliveries-body tr')?.dataset.deliveryId;
  const rows = [...state.deliveries.values()].map(row);
  fill($('#deliveries-body'), rows);
  if (focused) $(`tr[data-delivery-id="${CSS.escape(focused)}"] .open-delivery`)?.focus();
  $('#deliveries-empty').hidden = rows.length > 0;
  const pageNumber = state.pageCursors.length + 1;
  fill($('#page-info'), rows.length ? `Page ${pageNumber} · ${rows.length} ${rows.length === 1 ? 'delivery' : 'deliveries'}` : '');
  $('#page-first').disabled = state.pageCursors.length === 0;
  $('#page-next').disabled = !state.nextCursor;
}

function row(delivery) {
  return el('tr', { 'data-delivery-id': delivery.id, 'data-status': delivery.status },
    el('td', {}, badge(delivery.status)),
    el('td', {},
      el('button', {
        type: 'button', class: 'open-delivery', 'aria-haspopup': 'dialog',
        'aria-label': `${delivery.event_type}, event ${delivery.event_id}: show attempts`,
        onclick: () => openDelivery(delivery.id),
      }, el('span', { text: delivery.event_type })),
      el('div', { class: 'muted mono', title: delivery.event_id, text: shortId(delivery.event_id) })),
    el('td', { class: 'wide cell-sub', text: subscriptionName(delivery.subscription_id) }),
    el('td', { class: 'wide', text: String(delivery.attempts) }),
    el('td', { class: 'wide cell-answer', text: lastAnswer(delivery) }),
    el('td', { title: time(delivery.created_at), text: relative(delivery.created_at) }));
}

export function lastAnswer(delivery) {
  if (delivery.status === 'pending' && delivery.next_attempt_at && delivery.attempts > 0) {
    return `${answer(delivery)} · next try ${relative(delivery.next_attempt_at)}`;
  }
  return answer(delivery);
}

function answer(delivery) {
  if (delivery.last_status_code) return `HTTP ${delivery.last_status_code}${delivery.last_error ? ` · ${delivery.last_error}` : ''}`;
  if (delivery.last_error) return delivery.last_error;
  return delivery.attempts > 0 ? '—' : 'not sent yet';
}

function matchesFilters(outcome) {
  const f = state.filters;
  if (f.subscription_id && f.subscription_id !== outcome.subscription_id) return false;
  if (f.event_id && f.event_id !== outcome.event_id) return false;
  if (f.status && f.status !== outcome.status) return false;
  if (f.until) return false;
  return true;
}

/**
 * Applies one live outcome. A delivery on this page is updated in place; a delivery new to the first
 * page is fetched and put on top when it matches the filters.
 */
export async function applyOutcome(outcome) {
  if (loading) {
    arrivedWhileLoading.push(outcome);
    return;
  }
  const known = state.deliveries.get(outcome.delivery_id);
  if (known) {
    if (!isNewer(outcome, known)) return;
    // An outcome at the time already shown is that same attempt, told again: not one more.
    const another = !known.last_attempt_at
      || new Date(outcome.attempted_at).getTime() > new Date(known.last_attempt_at).getTime();
    Object.assign(known, {
      status: outcome.status,
      attempts: known.attempts + (another ? 1 : 0),
      cycle_attempts: outcome.attempt,
      last_status_code: outcome.status_code,
      last_error: outcome.error,
      last_attempt_at: outcome.attempted_at,
    });
    replaceRow(known);
    return;
  }
  if (state.pageCursor !== null || !matchesFilters(outcome)) return;
  try {
    const delivery = await get(`/v1/deliveries/${encodeURIComponent(outcome.delivery_id)}`);
    if (loading || state.deliveries.has(delivery.id) || state.pageCursor !== null) return;
    // The page grows rather than dropping its last row: the next page's cursor still starts after it.
    state.deliveries = new Map([[delivery.id, delivery], ...state.deliveries]);
    render();
    flash(delivery.id);
  } catch (error) {
    showError(error, 'Loading a new delivery');
  }
}

/** Puts a delivery the page changed itself (a retry) into its row. */
export function updateDelivery(delivery) {
  const shown = state.deliveries.get(delivery.id);
  if (!shown) return;
  // The live stream may already have shown the attempt that followed.
  if (shown.last_attempt_at && delivery.last_attempt_at
      && new Date(shown.last_attempt_at) > new Date(delivery.last_attempt_at)) return;
  state.deliveries.set(delivery.id, { ...state.deliveries.get(delivery.id), ...delivery });
  replaceRow(state.deliveries.get(delivery.id));
}

function replaceRow(delivery) {
  const current = $(`tr[data-delivery-id="${CSS.escape(delivery.id)}"]`);
  if (!current) return;
  const hadFocus = current.contains(document.activeElement);
  const fresh = row(delivery);
  current.replaceWith(fresh);
  if (hadFocus) fresh.querySelector('.open-delivery').focus();
  flash(delivery.id);
}

function flash(id) {
  const tr = $(`tr[data-delivery-id="${CSS.escape(id)}"]`);
  if (!tr) return;
  tr.classList.remove('flash');
  void tr.offsetWidth;
  tr.classList.add('flash');
}

export function rerender() {
  render();
}
