// Entry point: sign-in, wiring of the views, and live updates from GET /v1/deliveries/stream.

import { ApiError, get, session } from './api.js';
import { $, fill } from './dom.js';
import { applyOutcome, filterBySubscription, initDeliveries, loadDeliveries, updateDelivery } from './deliveries.js';
import { LiveStream } from './live.js';
import { loadOverview } from './overview.js';
import { closePanel, initPanel, openPanel, outcomeArrived, reloadPanel } from './panel.js';
import { state } from './state.js';
import { hideSecret, initSubscriptions, loadSubscriptions, refreshHealth, renderAdminList } from './subscriptions.js';
import { announce, clearBanner, showError } from './ui.js';

const LIVE_TEXT = {
  off: 'Live updates off',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  denied: 'Live updates refused',
};

let stream = null;
const touchedSubscriptions = new Set();
let healthTimer = null;

function boot() {
  $('#sign-in-form').addEventListener('submit', signIn);
  $('#sign-out').addEventListener('click', signOut);
  $('#banner-close').addEventListener('click', clearBanner);
  initSubscriptions({ onChange: (id) => filterBySubscription(id) });
  initDeliveries({ openDelivery: openPanel });
  initPanel({
    onRetried: (delivery) => {
      updateDelivery(delivery);
      touch(delivery.subscription_id);
    },
  });
  if (session.token()) {
    start().catch((error) => {
      if ($('#app-view').hidden) showSignIn(`${error.title ?? 'Cannot start'}${error.detail ? `: ${error.detail}` : ''}`);
    });
  } else {
    showSignIn();
  }
}

function showSignIn(message) {
  $('#app-view').hidden = true;
  $('#session-bar').hidden = true;
  $('#sign-in-view').hidden = false;
  fill($('#sign-in-error'), message ?? '');
  $('#token').value = '';
  $('#token').focus();
}

async function signIn(event) {
  event.preventDefault();
  const token = $('#token').value.trim();
  if (!token) {
    fill($('#sign-in-error'), 'Enter an API key or the admin token.');
    return;
  }
  session.signIn(token);
  const button = $('#sign-in-button');
  button.disabled = true;
  try {
    await start();
  } catch (error) {
    session.signOut();
    showSignIn(error instanceof ApiError
      ? `${error.title}${error.detail ? `: ${error.detail}` : ''}`
      : String(error.message ?? error));
  } finally {
    button.disabled = false;
  }
}

/** Checks the token with GET /v1/stats, whose answer also says whose it is (tenant_id null = admin). */
async function start() {
  let stats;
  try {
    stats = await get('/v1/stats', { window: '24h' });
  } catch (error) {
    if (error.status === 401 || error.status === 403) {
      session.signOut();
      showSignIn(`${error.title}${error.detail ? `: ${error.detail}` : ''}`);
    }
    throw error;
  }
  state.role = stats.tenant_id ? 'tenant' : 'admin';
  state.tenantId = stats.tenant_id;
  $('#sign-in-view').hidden = true;
  $('#app-view').hidden = false;
  $('#session-bar').hidden = false;
  fill($('#who'), state.role === 'admin' ? 'Admin · every tenant' : `Tenant ${stats.tenant_id}`);
  document.body.dataset.role = state.role;
  $('#main').focus();
  const overview = await loadOverview();
  if (state.role === 'admin') {
    renderAdminList(overview);
  } else {
    await loadSubscriptions();
  }
  await loadDeliveries();
  startLive();
}

function signOut() {
  stream?.stop();
  stream = null;
  closePanel();
  hideSecret();
  session.signOut();
  Object.assign(state, {
    role: null, tenantId: null, selectedSubscription: null, filters: {}, pageCursors: [], pageCursor: null, nextCursor: null,
  });
  state.subscriptions.clear();
  state.subscriptionStats.clear();
  state.deliveries.clear();
  fill($('#subscription-list'));
  fill($('#deliveries-body'));
  $('#filters').reset();
  clearBanner();
  showSignIn('Signed out. The token was removed from this browser tab.');
}

function startLive() {
  stream?.stop();
  let connectedBefore = false;
  stream = new LiveStream('/v1/deliveries/stream', {
    onState: (liveState, why) => {
      if (liveState === 'live') {
        // Outcomes sent while the stream was down are not repeated: read the current state again.
        if (connectedBefore) catchUp();
        connectedBefore = true;
      }
      const indicator = $('#live-state');
      indicator.dataset.state = liveState;
      fill($('#live-text'), LIVE_TEXT[liveState] ?? liveState);
      indicator.title = why ?? '';
      if (liveState === 'denied') {
        showError({ title: 'Live updates stopped', detail: `${why}; sign in again to resume them` });
      }
    },
    onEvent: (type, outcome) => {
      if (type !== 'delivery' || typeof outcome !== 'object') return;
      applyOutcome(outcome);
      outcomeArrived(outcome);
      if (state.openDelivery !== outcome.delivery_id && state.deliveries.has(outcome.delivery_id)) {
        const code = outcome.status_code ? ` (HTTP ${outcome.status_code})` : '';
        announce(`${outcome.event_type}: ${outcome.status}${code}.`);
      } else if (state.openDelivery === outcome.delivery_id) {
        announce(`Attempt ${outcome.attempt}: ${outcome.status}.`);
      }
      touch(outcome.subscription_id);
    },
  });
  stream.start();
}

async function catchUp() {
  try {
    await loadDeliveries();
    if (state.role === 'admin') {
      renderAdminList(await loadOverview());
    } else {
      await refreshHealth(new Set(state.subscriptions.keys()));
      await loadOverview();
    }
    if (state.openDelivery) await reloadPanel();
  } catch (error) {
    showError(error, 'Catching up after a reconnect');
  }
}

/** Badges, charts and totals follow live outcomes, at most about once a second. */
function touch(subscriptionId) {
  touchedSubscriptions.add(subscriptionId);
  if (healthTimer) return;
  healthTimer = setTimeout(async () => {
    healthTimer = null;
    const ids = new Set(touchedSubscriptions);
    touchedSubscriptions.clear();
    try {
      if (state.role === 'admin') {
        renderAdminList(await loadOverview());
      } else {
        await refreshHealth(ids);
        await loadOverview();
      }
    } catch (error) {
      showError(error, 'Refreshing health');
    }
  }, 1000);
}

boot();
