// Shared page furniture: the error banner, the live-region announcer and status badges.

import { $, el, fill } from './dom.js';

export function showError(error, context) {
  const banner = $('#banner');
  banner.classList.remove('info');
  const what = context ? `${context}: ` : '';
  const title = error?.title ?? 'Something went wrong';
  const detail = error?.detail ? ` — ${error.detail}` : (error?.title ? '' : ` — ${error?.message ?? error}`);
  const trace = error?.traceId ? ` (trace ${error.traceId})` : '';
  fill($('#banner-text'), `${what}${title}${detail}${trace}`);
  banner.hidden = false;
}

export function showNotice(text) {
  const banner = $('#banner');
  banner.classList.add('info');
  fill($('#banner-text'), text);
  banner.hidden = false;
}

export function clearBanner() {
  $('#banner').hidden = true;
}

let lastAnnouncement = 0;

/** Speaks through the polite live region; bursts are folded so a screen reader is not flooded. */
export function announce(text) {
  const now = Date.now();
  const region = $('#announcer');
  if (now - lastAnnouncement < 800 && region.textContent) {
    region.textContent = `${region.textContent} ${text}`.slice(-400);
  } else {
    region.textContent = text;
  }
  lastAnnouncement = now;
}

const STATUS_LABELS = {
  pending: 'Pending',
  succeeded: 'Succeeded',
  failed: 'Failed',
  parked: 'Parked',
  active: 'Active',
  failing: 'Failing',
  disabled: 'Disabled',
};

export function badge(status, label) {
  return el('span', { class: ['badge', status], 'data-status': status, text: label ?? STATUS_LABELS[status] ?? status });
}

/** A subscription's health from its status and the failure streak of its stats. */
export function health(subscription, stats) {
  if (subscription.status === 'disabled') return 'disabled';
  if (stats && stats.failure_streak > 0) return 'failing';
  return 'active';
}

export function healthBadge(subscription, stats) {
  const state = health(subscription, stats);
  if (state === 'failing') {
    const n = stats.failure_streak;
    return badge('failing', `Failing · ${n} in a row`);
  }
  return badge(state);
}

export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
