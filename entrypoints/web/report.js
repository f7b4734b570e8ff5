// What a run left out or changed, from report.json: rejected files and warnings, each tied
// to its source file (and line) when the report says where.
import { h } from "./dom.js";

const LOCATED = /^(?<file>[^:\s][^:]*?\.[A-Za-z0-9]+)(?::(?<line>\d+))?(?::\d+)?:\s*(?<text>.*)$/s;

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
  const message = entry.reason || entry.message || entry.text || JSON.stringify(entry);
  return { file, line, message, code: entry.code };
}

export function reportItems(report) {
  const items = [];
  for (const r of report.rejected || []) items.push({ kind: "Left out", ...locate(r) });
  for (const w of report.warnings || []) items.push({ kind: "Changed", ...locate(w) });
  for (const key of ["coerced", "dropped", "skipped"]) {
    for (const c of report[key] || []) items.push({ kind: key === "coerced" ? "Changed" : "Left out", ...locate(c) });
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
      h("span", { class: `tag tag--${item.kind === "Left out" ? "warn" : "info"}` }, item.kind),
      item.file
        ? h("button", {
          type: "button",
          class: "link-button report__source",
          onclick: () => openSource(item.file, item.line),
        }, item.line ? `${item.file}, line ${item.line}` : item.file)
        : null,
      h("span", { class: "report__message" }, item.message))));
}
