// The live progress of a run over the WebSocket. The server replays stored events and then
// streams live ones; after a dropped connection we reconnect asking only for what came after
// the last event seen, and drop any event whose seq was already shown: nothing is lost,
// nothing appears twice.
import { refresh, token, wsUrl } from "./api.js";

const NORMAL_CLOSE = 1000;
const UNAUTHENTICATED = 4401;
const NOT_FOUND = 4404;
const MAX_BACKOFF_MS = 5000;

export class RunEvents {
  constructor(projectId, runId, { onEvent, onEnd, onState }) {
    this.projectId = projectId;
    this.runId = runId;
    this.onEvent = onEvent;
    this.onEnd = onEnd;
    this.onState = onState || (() => {});
    this.seen = new Set();
    this.lastSeq = 0;
    this.attempt = 0;
    this.stopped = false;
    this.ended = false;
    this.socket = null;
    this.timer = null;
  }

  start() {
    this.stopped = false;
    this.ended = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.close(NORMAL_CLOSE);
  }

  connect() {
    const query = new URLSearchParams({ run: this.runId, after: String(this.lastSeq) });
    const socket = new WebSocket(wsUrl(`/api/projects/${this.projectId}/events?${query}`));
    this.socket = socket;
    this.onState(this.attempt === 0 ? "connecting" : "reconnecting");
    socket.addEventListener("open", () => {
      // The token goes in the first message, never in the address (logs keep addresses).
      socket.send(JSON.stringify({ type: "auth", token: token() }));
      this.attempt = 0;
      this.onState("live");
    });
    socket.addEventListener("message", (message) => this.receive(message.data));
    socket.addEventListener("close", (event) => this.closed(socket, event.code));
  }

  receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message.type === "event") {
      const event = message.event;
      if (this.seen.has(event.seq)) return;
      this.seen.add(event.seq);
      this.lastSeq = Math.max(this.lastSeq, event.seq);
      this.onEvent(event);
    } else if (message.type === "end") {
      this.ended = true;
      this.onEnd(message.run);
    } else if (message.type === "error") {
      this.error = message.error;
    }
  }

  async closed(socket, code) {
    if (socket !== this.socket || this.stopped || this.ended) return;
    if (code === NOT_FOUND) {
      this.onState("gone", this.error);
      return;
    }
    if (code === UNAUTHENTICATED && !(await refresh())) {
      this.onState("signed-out", this.error);
      return;
    }
    this.attempt += 1;
    const delay = Math.min(MAX_BACKOFF_MS, 200 * 2 ** (this.attempt - 1));
    this.onState("reconnecting");
    this.timer = setTimeout(() => {
      if (!this.stopped) this.connect();
    }, delay);
  }
}
