// The conversation: the chat on one side, the live schema on the other. A change made in
// either place shows in the other.
import * as api from "../api.js";
import { errorBox, h } from "../dom.js";
import { projectHeader } from "../project.js";
import { describeChanges, schemaEditor } from "../schema-editor.js";

export async function render({ main, params, navigate, announce }) {
  const [projectId] = params;
  const base = `/api/projects/${projectId}`;
  let project = await api.get(base);
  let view;
  try {
    view = await api.get(`${base}/conversation`);
  } catch (err) {
    if (err.code !== "conversation_not_started") throw err;
    view = await api.post(`${base}/conversation`, {}); // the first visit starts it
  }

  // Focusable, so keyboard users can scroll it.
  const log = h("div", { class: "chat__log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  const addTurn = (role, text) => {
    const who = { user: "You", assistant: "Kirby-Gen", note: "Schema editor" }[role] || role;
    log.append(h("div", { class: `turn turn--${role}` },
      h("span", { class: "turn__who" }, who), h("p", { class: "turn__text" }, text)));
    log.scrollTop = log.scrollHeight;
  };
  for (const turn of view.turns) addTurn(turn.role, turn.text);

  const message = h("input", { type: "text", id: "message", autocomplete: "off", maxLength: 2000,
    "aria-describedby": "message-hint" });
  const send = h("button", { type: "submit", class: "button button--primary" }, "Send");
  const chatError = errorBox();
  const form = h("form", { class: "chat__form" },
    h("label", { for: "message" }, "Your answer"),
    h("div", { class: "inline" }, message, send),
    h("p", { class: "hint", id: "message-hint" },
      "For example: “rename field client to Commissioned by”, “add field Awards as tags”, “next”, “approve”, or “help”."),
    chatError);

  const editorError = errorBox();
  const status = h("p", { class: "schema-status", role: "status" });
  const approve = h("button", { type: "button", class: "button" }, "Approve schema");
  const generate = h("button", { type: "button", class: "button button--primary" }, "Generate the site");
  const editor = schemaEditor({
    onChange: async (draft) => {
      editorError.show("");
      const before = view.schema;
      try {
        const saved = await api.put(`${base}/schema`, draft);
        view = { ...view, schema: saved.schema, approved: saved.approved };
        const notes = describeChanges(before, saved.schema);
        if (notes.length) addTurn("note", `You ${notes.join("; ")}.`);
        refresh();
        announce("Schema saved.");
      } catch (err) {
        const issues = (err.details && err.details.issues) || [];
        editorError.show([err.message, ...issues.map((i) => i.message)].join(" · "));
        refresh();
      }
    },
  });

  const refresh = () => {
    editor.update(view.schema, { approved: view.approved });
    approve.hidden = view.approved;
    generate.hidden = !view.approved;
    status.textContent = view.approved
      ? "Approved. The schema is locked; generate the site when you are ready."
      : `${view.schema.entities.length} kinds of content. Edit here or in the chat, then approve.`;
  };
  refresh();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = message.value.trim();
    if (!text) return;
    chatError.show("");
    send.disabled = true;
    addTurn("user", text);
    message.value = "";
    try {
      view = await api.post(`${base}/conversation/messages`, { text });
      addTurn("assistant", view.reply);
      refresh();
    } catch (err) {
      chatError.show(err.explained || err.message);
    } finally {
      send.disabled = false;
      message.focus();
    }
  });

  approve.addEventListener("click", async () => {
    editorError.show("");
    try {
      const saved = await api.post(`${base}/schema/approve`);
      view = { ...view, schema: saved.schema, approved: saved.approved };
      refresh();
      announce("Schema approved.");
      generate.focus();
    } catch (err) {
      const issues = (err.details && err.details.issues) || [];
      editorError.show([err.message, ...issues.map((i) => i.message)].join(" · "));
    }
  });
  generate.addEventListener("click", async () => {
    editorError.show("");
    generate.disabled = true;
    try {
      const run = await api.post(`${base}/runs`);
      navigate(`#/p/${projectId}/run/${run.id}`);
    } catch (err) {
      editorError.show(err.explained || err.message);
      generate.disabled = false;
    }
  });

  project = await api.get(base);
  main.append(
    projectHeader(project, "conversation", "Shape your site"),
    h("div", { class: "split" },
      h("section", { class: "card chat", "aria-labelledby": "chat-title" },
        h("h2", { id: "chat-title" }, "Conversation"), log, form),
      h("section", { class: "card schema", "aria-labelledby": "schema-title" },
        h("div", { class: "schema__head" }, h("h2", { id: "schema-title" }, "Your content"), status),
        editor, editorError,
        h("div", { class: "actions" }, approve, generate))));
}
