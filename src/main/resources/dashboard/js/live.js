// Live updates over the SSE endpoint. EventSource cannot send an Authorization header, so the stream is
// read with fetch() and parsed here; a dropped stream is opened again with a growing, jittered delay.

import { authHeaders } from './api.js';

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;

export class LiveStream {
  constructor(path, { onEvent, onState }) {
    this.path = path;
    this.onEvent = onEvent;
    this.onState = onState;
    this.delay = FIRST_DELAY_MS;
    this.lastEventId = null;
    this.controller = null;
    this.timer = null;
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller?.abort();
    this.onState('off');
  }

  async connect() {
    if (this.stopped) return;
    this.controller = new AbortController();
    this.onState('connecting');
    const headers = authHeaders({ Accept: 'text/event-stream' });
    if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
    try {
      const response = await fetch(this.path, { headers, signal: this.controller.signal, cache: 'no-store' });
      if (response.status === 401 || response.status === 403) {
        // Trying again cannot help: the token was revoked or may not read the stream.
        this.stopped = true;
        this.onState('denied', `the live stream answered ${response.status}`);
        return;
      }
      if (!response.ok || !response.body) {
        throw new Error(`the live stream answered ${response.status}`);
      }
      this.onState('live');
      this.delay = FIRST_DELAY_MS;
      await this.read(response.body.getReader());
      throw new Error('the live stream ended');
    } catch (error) {
      if (this.stopped) return;
      this.onState('reconnecting', error.message);
      const wait = this.delay / 2 + Math.random() * this.delay / 2;
      this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
      this.timer = setTimeout(() => this.connect(), wait);
    }
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        this.dispatch(block);
      }
    }
  }

  dispatch(block) {
    let type = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') this.lastEventId = value;
    }
    if (data.length === 0) return;
    let payload = data.join('\n');
    try {
      payload = JSON.parse(payload);
    } catch {
      // not JSON: hand over the text as it came
    }
    this.onEvent(type, payload);
  }
}
