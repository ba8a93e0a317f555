// What the page knows right now. Views read it and change it; nothing here talks to the network.

export const state = {
  /** 'tenant' for an API key, 'admin' for the admin token. */
  role: null,
  tenantId: null,
  /** Subscriptions of the tenant by id, and their stats (window 1h) for the health badges. */
  subscriptions: new Map(),
  subscriptionStats: new Map(),
  subscriptionsCursor: null,
  selectedSubscription: null,
  statsWindow: '24h',
  filters: {},
  /** Cursors of the pages before the current one, so "Newer" can go back. */
  pageCursors: [],
  pageCursor: null,
  nextCursor: null,
  deliveries: new Map(),
  openDelivery: null,
};

export function subscriptionName(id) {
  const subscription = state.subscriptions.get(id);
  if (!subscription) return id;
  return subscription.description || subscription.url;
}
