// Server-sent events over fetch(): EventSource cannot send an Authorization header. The
// stream reconnects with exponential back-off and resumes with Last-Event-ID.

import { authHeaders } from "./api.js";

/** An incremental parser of the text/event-stream format (WHATWG HTML §9.2.6). */
export class SseParser {
  constructor(onEvent, onRetry = () => {}) {
    this.onEvent = onEvent;
    this.onRetry = onRetry;
    this.buffer = "";
    this.reset();
    this.lastEventId = "";
  }

  reset() {
    this.data = [];
    this.type = "";
    this.hasData = false;
  }

  push(text) {
    this.buffer += text;
    let newline;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      // a lone \r at the end may be the first half of \r\n: wait for the next chunk
      if (this.buffer[newline] === "\r" && newline === this.buffer.length - 1) break;
      const width = this.buffer.startsWith("\r\n", newline) ? 2 : 1;
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + width);
      this.line(line);
    }
  }

  line(line) {
    if (line === "") {
      if (this.hasData) {
        this.onEvent({ id: this.lastEventId, type: this.type || "message", data: this.data.join("\n") });
      }
      this.reset();
      return;
    }
    if (line.startsWith(":")) return; // a comment (keep-alive)
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") {
      this.data.push(value);
      this.hasData = true;
    } else if (field === "event") {
      this.type = value;
    } else if (field === "id" && !value.includes("\0")) {
      this.lastEventId = value;
    } else if (field === "retry" && /^\d+$/.test(value)) {
      this.onRetry(Number(value));
    }
  }
}

/**
 * Reads `url` as an event stream until stop(): `onEvent({id, type, data})` per event,
 * `onState(state, info)` with connecting | open | reconnecting | unauthorized | failed.
 */
export class LiveStream {
  constructor(url, { onEvent, onState }) {
    this.url = url;
    this.onEvent = onEvent;
    this.onState = onState;
    this.lastEventId = "";
    this.attempt = 0;
    this.minDelay = 1000;
    this.maxDelay = 30000;
    this.controller = null;
    this.timer = null;
    this.stopped = true;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller?.abort();
    this.controller = null;
  }

  async connect() {
    if (this.stopped) return;
    this.onState("connecting");
    this.controller = new AbortController();
    const headers = authHeaders({ Accept: "text/event-stream", "Cache-Control": "no-cache" });
    if (this.lastEventId) headers["Last-Event-ID"] = this.lastEventId;
    let response;
    try {
      response = await fetch(this.url, { headers, signal: this.controller.signal, cache: "no-store" });
    } catch (error) {
      this.retry(error.message);
      return;
    }
    if (response.status === 401 || response.status === 403) {
      this.stopped = true;
      this.onState("unauthorized", { status: response.status });
      return;
    }
    if (response.status >= 400 && response.status < 500 && this.lastEventId) {
      // the server no longer knows the last event: start again from its current end
      this.lastEventId = "";
      this.retry(`${response.status}: resuming from now`);
      return;
    }
    if (!response.ok || !response.body) {
      this.retry(`${response.status} ${response.statusText}`);
      return;
    }
    this.attempt = 0;
    this.onState("open");
    const parser = new SseParser(
      (event) => {
        this.lastEventId = event.id || this.lastEventId;
        this.onEvent(event);
      },
      (ms) => { this.minDelay = ms; },
    );
    parser.lastEventId = this.lastEventId;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
      }
      this.retry("the server closed the stream");
    } catch (error) {
      if (!this.stopped) this.retry(error.message);
    }
  }

  retry(detail) {
    if (this.stopped) return;
    const base = Math.min(this.maxDelay, this.minDelay * 2 ** this.attempt);
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    this.attempt += 1;
    this.onState("reconnecting", { seconds: Math.ceil(delay / 1000), detail });
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
