// The delivery panel: one delivery, every attempt (status, duration, error, response excerpt, headers
// sent) and the retry button. A modal dialog, so focus stays inside and Escape closes it.

import { get, post } from './api.js';
import { $, el, fill } from './dom.js';
import { millis, relative, time } from './format.js';
import { state, subscriptionName } from './state.js';
import { announce, badge, busy, showError } from './ui.js';

const dialog = () => $('#delivery-panel');
let hooks = { onRetried: () => {} };
let returnFocus = null;

export function initPanel(options) {
  hooks = options;
  $('#panel-close').addEventListener('click', closePanel);
  dialog().addEventListener('close', () => {
    const id = state.openDelivery;
    state.openDelivery = null;
    // Live updates may have redrawn the row meanwhile: go back to the same delivery's new button.
    const row = id ? $(`tr[data-delivery-id="${CSS.escape(id)}"] .open-delivery`) : null;
    if (row) row.focus();
    else if (returnFocus?.isConnected) returnFocus.focus();
  });
}

export async function openPanel(id) {
  returnFocus = document.activeElement;
  state.openDelivery = id;
  fill($('#panel-title'), 'Delivery');
  fill($('#panel-body'), el('p', { class: 'muted', text: 'Loading…' }));
  if (!dialog().open) dialog().showModal();
  await reloadPanel();
}

export function closePanel() {
  if (dialog().open) dialog().close();
}

let reloads = 0;

export async function reloadPanel() {
  const id = state.openDelivery;
  if (!id) return;
  // Several reloads can overlap (a retry and live outcomes); only the latest one may draw.
  const ticket = ++reloads;
  try {
    const delivery = await get(`/v1/deliveries/${encodeURIComponent(id)}`);
    if (state.openDelivery !== id || ticket !== reloads) return;
    render(delivery);
    if (state.role === 'tenant') await showEvent(delivery.event_id);
  } catch (error) {
    fill($('#panel-body'), el('p', { class: 'error', role: 'alert', text: `${error.title ?? 'Error'}${error.detail ? `: ${error.detail}` : ''}` }));
    showError(error, 'Loading the delivery');
  }
}

function render(delivery) {
  fill($('#panel-title'), `${delivery.event_type} → ${subscriptionName(delivery.subscription_id)}`);
  const canRetry = delivery.status === 'failed' || delivery.status === 'succeeded';
  const retry = el('button', { type: 'button', class: ['button', delivery.status === 'failed' ? 'primary' : null], id: 'panel-retry' },
    delivery.status === 'succeeded' ? 'Send again' : 'Retry now');
  retry.disabled = !canRetry;
  retry.addEventListener('click', () => busy(retry, () => retryDelivery(delivery)));
  const history = delivery.attempts_history ?? [];
  fill($('#panel-body'),
    el('div', { class: 'panel-actions' }, badge(delivery.status), retry,
      delivery.status === 'parked' ? el('span', { class: 'muted', text: 'Its subscription is disabled: enable it to send this again.' }) : null,
      delivery.status === 'pending' ? el('span', { class: 'muted', text: nextTry(delivery) }) : null),
    el('dl', { class: 'facts' },
      fact('Event id (webhook-id)', delivery.event_id, 'mono'),
      fact('Delivery id', delivery.id, 'mono'),
      fact('Subscription', `${subscriptionName(delivery.subscription_id)} (${delivery.subscription_id})`),
      fact('Created', time(delivery.created_at)),
      fact('Attempts', String(delivery.attempts)),
      fact('Attempts this retry cycle', String(delivery.cycle_attempts)),
      delivery.completed_at ? fact('Completed', time(delivery.completed_at)) : null),
    el('details', { class: 'event-data', id: 'panel-event' },
      el('summary', { text: 'Event data (the body sent)' }),
      el('pre', { class: 'muted', text: state.role === 'tenant' ? 'Loading…' : 'Sign in with the tenant\'s API key to read event data.' })),
    el('h3', { text: `Attempts (${history.length})` }),
    history.length === 0
      ? el('p', { class: 'muted', text: 'No attempt yet.' })
      : el('ol', { class: 'attempts', reversed: true }, [...history].reverse().map(attempt)));
}

async function showEvent(eventId) {
  const target = $('#panel-event pre');
  try {
    const event = await get(`/v1/events/${encodeURIComponent(eventId)}`);
    if (!target.isConnected) return;
    target.classList.remove('muted');
    target.textContent = JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data }, null, 2);
  } catch (error) {
    if (target.isConnected) target.textContent = `${error.title}${error.detail ? `: ${error.detail}` : ''}`;
  }
}

function nextTry(delivery) {
  return delivery.next_attempt_at ? `Next try ${relative(delivery.next_attempt_at)}.` : 'Queued.';
}

function fact(label, value, className) {
  return [el('dt', { text: label }), el('dd', { class: className, text: value })];
}

function attempt(a) {
  const outcome = a.succeeded ? 'succeeded' : 'failed';
  const answer = a.status_code ? `HTTP ${a.status_code}` : 'no answer';
  const headers = Object.entries(a.request_headers ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n');
  return el('li', { class: 'attempt', 'data-attempt-id': a.id },
    el('div', { class: 'attempt-head' },
      el('span', {}, `Attempt ${a.attempt} · `, badge(outcome), ` ${answer} · ${millis(a.duration_ms)}`),
      el('span', { class: 'muted', title: a.attempted_at, text: time(a.attempted_at) })),
    a.error ? el('p', { class: 'error attempt-error', text: a.error }) : null,
    a.status_code === null && !a.response_excerpt ? null : el('details', { open: !a.succeeded },
      el('summary', { text: 'Response excerpt' }),
      el('pre', { class: 'response-excerpt', text: a.response_excerpt || '(empty body)' })),
    headers ? el('details', {}, el('summary', { text: 'Request headers sent' }), el('pre', { text: headers })) : null);
}

async function retryDelivery(delivery) {
  try {
    const queued = await post(`/v1/deliveries/${encodeURIComponent(delivery.id)}/retry`);
    announce(`Delivery of ${delivery.event_type} queued again.`);
    hooks.onRetried(queued);
    await reloadPanel();
  } catch (error) {
    showError(error, 'Retrying the delivery');
    // The banner is behind the modal panel, so the panel says it too.
    $('#panel-body .panel-error')?.remove();
    $('#panel-body').prepend(el('p', { class: 'error panel-error', role: 'alert',
      text: `${error.title}${error.detail ? `: ${error.detail}` : ''}` }));
  }
}

/** A live outcome for the open delivery: show the new attempt. */
export function outcomeArrived(outcome) {
  if (outcome.delivery_id === state.openDelivery) reloadPanel();
}
