// What a run left out or changed, from report.json: rejected files and warnings, each tied
// to its source file (and line) when the report says where.
import { h } from "./dom.js";

const LOCATED = /^(?<file>[^:\s][^:]*?\.[A-Za-z0-9]+)(?::(?<line>\d+))?(?::\d+)?:\s*(?<text>.*)$/s;

const VALUE_KINDS = { coerced: "Changed", kept_in_text: "Kept in text", left_out: "Left out" };

// One entry of the report, whatever its shape: {file, line, message}.
export function locate(entry) {
  if (typeof entry === "string") {
    const m = LOCATED.exec(entry);
    if (m) return { file: m.groups.file, line: m.groups.line ? Number(m.groups.line) : null, message: m.groups.text };
    return { file: null, line: null, message: entry };
  }
  const source = entry.source || entry.provenance || {};
  const file = entry.file || entry.document || entry.name || source.document || source.file || null;
  const locator = entry.locator || source.locator || {};
  const line = entry.line || locator.line || locator.line_start || null;
  const page = entry.page || locator.page || null;
  const message = entry.reason || entry.message || entry.text || JSON.stringify(entry);
  return { file, line, page, message, code: entry.code };
}

export function reportItems(report) {
  const items = [];
  for (const r of report.rejected || []) items.push({ kind: "Left out", ...locate(r) });
  for (const w of report.warnings || []) items.push({ kind: "Changed", ...locate(w) });
  // Every written value not stored as written: changed in form, moved into the text, left out.
  for (const v of report.values || []) {
    const what = `${v.item} · ${v.field}: “${v.written}”`;
    const outcome = v.stored ? ` stored as “${v.stored}”` : "";
    items.push({ kind: VALUE_KINDS[v.action] || v.action, ...locate(v), message: `${what}${outcome} (${v.reason})` });
  }
  for (const a of report.set_aside || []) {
    items.push({ kind: "Set aside", ...locate(a), message: `“${a.text}” (${a.reason})` });
  }
  const edits = report.hand_edits || {};
  for (const c of edits.conflicts || []) items.push({ kind: "Conflict", ...locate(c) });
  return items;
}

// The list, with a link to each source that opens the file at the line.
export function reportList(report, openSource) {
  const items = reportItems(report);
  if (items.length === 0) {
    return h("p", { class: "ok" }, "Nothing was left out or changed: every file and value made it into the site.");
  }
  return h("ul", { class: "report" }, items.map((item) =>
    h("li", { class: "report__item" },
      h("span", { class: `tag tag--${["Left out", "Conflict"].includes(item.kind) ? "warn" : "info"}` }, item.kind),
      item.file
        ? h("button", {
          type: "button",
          class: "link-button report__source",
          onclick: () => openSource(item.file, item.line),
        }, item.line ? `${item.file}, line ${item.line}` : item.page ? `${item.file}, page ${item.page}` : item.file)
        : null,
      h("span", { class: "report__message" }, item.message))));
}
