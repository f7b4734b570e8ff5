// A generation run: a progress bar per phase and the live log over the WebSocket, with
// cancel and retry. The log survives a dropped connection without gaps or repeats.
import * as api from "../api.js";
import { errorBox, h } from "../dom.js";
import { RunEvents } from "../events.js";
import { projectHeader, statusBadge } from "../project.js";

const PHASES = [
  ["ingest", "Reading your material"],
  ["mapping", "Mapping the content"],
  ["structuring", "Structuring the content"],
  ["design", "Designing"],
  ["site", "Building the site"],
];
const ACTIVE = new Set(["queued", "running"]);
const RUN_WORDS = {
  queued: "Waiting for a worker…",
  running: "Generating your site…",
  succeeded: "Done: your site is ready.",
  failed: "The run failed.",
  cancelled: "The run was cancelled.",
};
const CONNECTION_WORDS = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Connection lost; reconnecting…",
  gone: "This run is no longer available.",
  "signed-out": "Your session ended; sign in again.",
};

export async function render({ main, params, signal, announce }) {
  const [projectId, wantedRun] = params;
  const base = `/api/projects/${projectId}`;
  const project = await api.get(base);
  const runs = (await api.get(`${base}/runs`)).items;
  let run = wantedRun ? runs.find((r) => r.id === wantedRun) : runs[runs.length - 1];
  main.append(projectHeader(project, "run", "Generation"));
  if (!run) {
    main.append(h("div", { class: "card empty" },
      h("p", {}, "No run yet. Approve the schema in the conversation, then generate."),
      h("a", { class: "button", href: `#/p/${projectId}/conversation` }, "Go to the conversation")));
    return;
  }

  const bars = new Map();
  const phaseList = h("ol", { class: "phases" }, PHASES.map(([phase, label]) => {
    const bar = h("progress", { max: 100, value: 0, "aria-label": label });
    const state = h("span", { class: "phase__state" }, "waiting");
    const item = h("li", { class: "phase", dataset: { phase } },
      h("span", { class: "phase__label" }, label), bar, state);
    bars.set(phase, { bar, state, item });
    return item;
  }));
  const overall = h("progress", { max: PHASES.length * 100, value: 0, "aria-label": "Overall progress", class: "overall" });
  const headline = h("p", { class: "run-status", role: "status" });
  const connection = h("span", { class: "connection" });
  const log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Live log", tabindex: "0" });
  const error = errorBox();
  const cancel = h("button", { type: "button", class: "button" }, "Cancel run");
  const retry = h("button", { type: "button", class: "button button--primary" }, "Retry");
  const result = h("a", { class: "button button--primary", href: `#/p/${projectId}/result` }, "See the result");

  const updateOverall = () => {
    overall.value = [...bars.values()].reduce((sum, { bar }) => sum + Number(bar.value), 0);
  };
  const showRun = () => {
    headline.textContent = RUN_WORDS[run.status] || run.status;
    if (run.failure) headline.textContent += ` ${run.failure.phase}: ${run.failure.message}`;
    cancel.hidden = !ACTIVE.has(run.status);
    retry.hidden = !["failed", "cancelled"].includes(run.status);
    result.hidden = run.status !== "succeeded";
    for (const phase of run.completed_phases || []) {
      const b = bars.get(phase);
      if (b) {
        b.bar.value = 100;
        b.state.textContent = "done";
        b.item.classList.add("phase--done");
      }
    }
    updateOverall();
  };

  const onEvent = (event) => {
    const time = new Date(event.ts).toLocaleTimeString();
    log.append(h("div", { class: `log__entry log__entry--${event.status}`, dataset: { seq: String(event.seq) } },
      h("span", { class: "log__time" }, time),
      h("span", { class: "log__phase" }, event.phase),
      h("span", { class: "log__message" }, event.message || event.status)));
    log.scrollTop = log.scrollHeight;
    const b = bars.get(event.phase);
    if (!b) return;
    b.bar.value = event.status === "completed" ? 100 : event.percent;
    b.state.textContent = { started: "started", progress: `${event.percent} %`, completed: "done", failed: "failed" }[event.status] || event.status;
    b.item.classList.toggle("phase--done", event.status === "completed");
    b.item.classList.toggle("phase--failed", event.status === "failed");
    updateOverall();
  };
  const stream = new RunEvents(projectId, run.id, {
    onEvent,
    onEnd: async (finished) => {
      run = finished;
      showRun();
      connection.textContent = "Finished";
      connection.dataset.state = "finished";
      const badge = main.querySelector(".project-header .badge");
      const now = await api.get(base).catch(() => null);
      if (badge && now) badge.replaceWith(statusBadge(now.status));
      announce(RUN_WORDS[run.status] || run.status);
      if (run.status === "succeeded") result.focus();
    },
    onState: (state) => {
      connection.textContent = CONNECTION_WORDS[state] || state;
      connection.dataset.state = state;
    },
  });
  signal.addEventListener("abort", () => stream.stop());

  cancel.addEventListener("click", async () => {
    error.show("");
    try {
      run = await api.post(`${base}/runs/${run.id}/cancel`);
      announce("Cancelling: the run stops at the next safe point.");
      headline.textContent = "Cancelling…";
    } catch (err) {
      error.show(err.explained || err.message);
    }
  });
  retry.addEventListener("click", async () => {
    error.show("");
    try {
      run = await api.post(`${base}/runs/${run.id}/retry`);
      showRun();
      announce("Retrying from where the run stopped.");
      stream.runId = run.id;
      stream.start();
      cancel.focus();
    } catch (err) {
      error.show(err.explained || err.message);
    }
  });

  main.append(
    h("section", { class: "card run", "aria-labelledby": "progress-title" },
      h("div", { class: "run__head" }, h("h2", { id: "progress-title" }, "Progress"), connection),
      headline, overall, phaseList, error,
      h("div", { class: "actions" }, cancel, retry, result)),
    h("section", { class: "card", "aria-labelledby": "log-title" },
      h("h2", { id: "log-title" }, "Live log"), log));
  showRun();
  stream.start();
}
