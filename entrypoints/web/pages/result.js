// The result of the last successful run: the preview, the palette and type, what was left
// out or changed, the Kirby site to download, deployments and versions.
import * as api from "../api.js";
import { append, clear, errorBox, formatTime, h } from "../dom.js";
import { projectHeader, statusBadge } from "../project.js";
import { reportList } from "../report.js";
import { contrast, fonts, grade, roleColour, sizes, swatches } from "../tokens.js";

const TARGETS = [
  ["local", "This computer"],
  ["render", "Render"],
  ["s3", "S3 bucket"],
];
const SURFACES = new Set(["background", "surface", "border"]);
const DEPLOYING = new Set(["queued", "deploying"]);

export async function render({ main, params, signal, announce }) {
  const [projectId] = params;
  const base = `/api/projects/${projectId}`;
  const project = await api.get(base);
  main.append(projectHeader(project, "result", "Your site"));
  let tokens;
  try {
    tokens = await api.get(`${base}/tokens.json`);
  } catch (err) {
    if (err.code !== "output_not_found") throw err;
    main.append(h("div", { class: "card empty" },
      h("p", {}, "There is no generated site yet."),
      h("a", { class: "button", href: `#/p/${projectId}/run` }, "Go to the generation")));
    return;
  }
  const link = await api.post(`${base}/preview`);
  const previewUrl = api.apiUrl(link.url);

  append(main, [
    h("div", { class: "result-grid" },
      h("section", { class: "card preview", "aria-labelledby": "preview-title" },
        h("div", { class: "section-head" },
          h("h2", { id: "preview-title" }, "Preview"),
          h("a", { href: previewUrl, target: "_blank", rel: "noopener" }, "Open in a new tab",
            h("span", { class: "visually-hidden" }, " (opens a new tab)"))),
        h("iframe", { class: "preview__frame", src: previewUrl, title: `Preview of ${project.name}` })),
      h("div", { class: "result-side" },
        downloadSection(base, announce),
        deploySection(base, signal, announce))),
    paletteSection(tokens),
    typeSection(tokens),
    await reportSection(base),
    await versionsSection(base),
  ]);
}

function downloadSection(base, announce) {
  const error = errorBox();
  const button = h("button", { type: "button", class: "button button--primary" }, "Download the Kirby site (.zip)");
  button.addEventListener("click", async () => {
    error.show("");
    button.disabled = true;
    try {
      const blob = await api.get(`${base}/site.zip`);
      const url = URL.createObjectURL(blob);
      const a = h("a", { href: url, download: "site.zip", hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      announce("The download has started.");
    } catch (err) {
      error.show(err.explained || err.message);
    } finally {
      button.disabled = false;
    }
  });
  return h("section", { class: "card", "aria-labelledby": "download-title" },
    h("h2", { id: "download-title" }, "Download"),
    h("p", {}, "The complete Kirby 5 site: content, blueprints, templates and theme. Add Kirby's core and open /panel to edit."),
    button, error);
}

function deploySection(base, signal, announce) {
  const select = h("select", { id: "deploy-target" }, TARGETS.map(([v, label]) => h("option", { value: v }, label)));
  const error = errorBox();
  const list = h("ul", { class: "deployments", "aria-label": "Deployments" });
  const state = h("p", { class: "visually-hidden", role: "status" });
  const submit = h("button", { type: "submit", class: "button button--primary" }, "Deploy");
  const form = h("form", { class: "deploy-form" },
    h("label", { for: "deploy-target" }, "Where to"), h("div", { class: "inline" }, select, submit), error);
  const section = h("section", { class: "card", "aria-labelledby": "deploy-title" },
    h("h2", { id: "deploy-title" }, "Deploy"), form, state, list);
  let timer = null;
  const said = new Map();
  signal.addEventListener("abort", () => clearTimeout(timer));

  const targetLabel = (target) => (TARGETS.find(([v]) => v === target) || [target, target])[1];
  const draw = (items) => {
    clear(list);
    for (const d of items) { // newest first
      const stop = d.target === "local" && d.status === "live"
        ? h("button", {
          type: "button",
          class: "link-button",
          onclick: async () => {
            try {
              await api.del(`${base}/deployments/${d.id}`);
              announce("The local deployment is stopped.");
              poll();
            } catch (err) {
              error.show(err.explained || err.message);
            }
          },
        }, "Stop", h("span", { class: "visually-hidden" }, ` the deployment at ${d.url}`))
        : null;
      list.append(h("li", { class: "deployment", dataset: { status: d.status } },
        h("span", { class: `badge badge--${d.status}` }, d.status),
        h("span", {}, targetLabel(d.target)),
        d.url && d.status === "live"
          ? h("a", { href: d.url, target: "_blank", rel: "noopener", class: "deployment__url" }, d.url,
            h("span", { class: "visually-hidden" }, " (opens a new tab)"))
          : null,
        h("span", { class: "muted" }, formatTime(d.created)),
        stop,
        d.error ? h("span", { class: "deployment__error" }, typeof d.error === "string" ? d.error : d.error.message) : null));
      // Each change of a deployment's status is said once.
      if (said.has(d.id) && said.get(d.id) !== d.status) {
        state.textContent = d.status === "live" ? `Deployed: ${d.url}` : `Deployment ${d.status}.`;
        refreshBadge(base);
      }
      said.set(d.id, d.status);
    }
  };
  const poll = async () => {
    clearTimeout(timer);
    try {
      const items = (await api.get(`${base}/deployments`)).items;
      draw(items);
      if (items.some((d) => DEPLOYING.has(d.status)) && !signal.aborted) timer = setTimeout(poll, 700);
    } catch (err) {
      if (err.status === 404 && err.code === "not_found") {
        form.replaceWith(h("p", { class: "muted" }, "Deploying is not available on this server."));
      } else error.show(err.explained || err.message);
    }
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    submit.disabled = true;
    try {
      const d = await api.post(`${base}/deployments`, { target: select.value });
      said.set(d.id, d.status);
      state.textContent = `Deploying to ${targetLabel(d.target)}…`;
      await poll();
    } catch (err) {
      error.show(err.explained || err.message);
    } finally {
      submit.disabled = false;
    }
  });
  poll();
  return section;
}

// The project's status changes as it deploys; the header follows.
async function refreshBadge(base) {
  const badge = document.querySelector(".project-header .badge");
  const project = await api.get(base).catch(() => null);
  if (badge && project) badge.replaceWith(statusBadge(project.status));
}

function paletteSection(tokens) {
  const background = roleColour(tokens, "background", "#ffffff");
  const text = roleColour(tokens, "text", "#000000");
  const groups = swatches(tokens).map((group) =>
    h("div", { class: "swatch-group" },
      h("h3", {}, group.title),
      h("ul", { class: "swatches" }, group.items.map((s) => {
        const chip = h("span", { class: "swatch__chip", "aria-hidden": "true" });
        chip.style.setProperty("--swatch", s.hex);
        // A surface is judged with the text on it; any other colour on the page's
        // background, and under white text (as on a button).
        const pairs = SURFACES.has(s.name)
          ? [["with text", text]]
          : [["on background", background], ["under white text", "#ffffff"]];
        return h("li", { class: "swatch" }, chip,
          h("span", { class: "swatch__name" }, s.name),
          h("code", {}, s.hex),
          pairs.map(([words, other]) => {
            const ratio = contrast(s.hex, other);
            return h("span", { class: "swatch__ratio" }, `${ratio.toFixed(2)}:1 ${words} (${grade(ratio)})`);
          }),
          s.adjusted ? h("span", { class: "muted" }, `adjusted from ${s.adjusted.from}`) : null,
          s.source ? h("span", { class: "muted swatch__source" }, `from ${s.source}`) : null);
      }))));
  return h("section", { class: "card", "aria-labelledby": "palette-title" },
    h("h2", { id: "palette-title" }, "Palette"),
    h("p", { class: "hint" }, "Contrast ratios by WCAG 2: body text needs 4.5:1 (AA), large text 3:1."),
    groups);
}

function typeSection(tokens) {
  const list = fonts(tokens);
  const scale = sizes(tokens);
  const heading = list.find((f) => f.role === "heading") || list[0];
  const body = list.find((f) => f.role === "body") || list[0];
  const specimen = (font, sample, className) => {
    const el = h("p", { class: className }, sample);
    if (font) el.style.setProperty("--specimen-font", font.stack.map((f) => (f.includes(" ") ? `"${f}"` : f)).join(", "));
    return el;
  };
  return h("section", { class: "card", "aria-labelledby": "type-title" },
    h("h2", { id: "type-title" }, "Type"),
    h("dl", { class: "fonts" }, list.map((f) => [h("dt", {}, f.role), h("dd", {}, f.stack.join(", "))])),
    h("div", { class: "specimen" },
      specimen(heading, "Quiet objects, made by hand", "specimen__heading"),
      specimen(body, "Every piece starts as a sketch in the margin of a notebook, then a lump of clay on the wheel. The glaze decides the rest.", "specimen__body"),
      h("ol", { class: "scale", "aria-label": "Type scale" }, scale.map((s) => {
        const el = specimen(heading, `${s.name} · ${s.rem} rem`, "scale__step");
        el.style.setProperty("--size", `${s.rem}rem`);
        return h("li", {}, el);
      }))));
}

async function reportSection(base) {
  const section = h("section", { class: "card", "aria-labelledby": "report-title" },
    h("h2", { id: "report-title" }, "What was left out or changed"));
  let report;
  try {
    report = await api.get(`${base}/report.json`);
  } catch (err) {
    section.append(h("p", { class: "muted" }, `The report is not available: ${err.message}`));
    return section;
  }
  const uploads = (await api.get(`${base}/uploads`)).items;
  const viewer = sourceViewer(base, uploads);
  section.append(
    h("p", {}, `${report.items} items on ${report.pages} pages, from ${report.documents.length} documents and ${report.images.length} images.`),
    reportList(report, viewer.open), viewer.dialog);
  return section;
}

// A dialog that shows an uploaded file with the reported line marked.
function sourceViewer(base, uploads) {
  const title = h("h2", { id: "source-title" });
  const body = h("div", { class: "source" });
  const close = h("button", { type: "button", class: "button" }, "Close");
  const dialog = h("dialog", { class: "source-dialog", "aria-labelledby": "source-title" },
    h("div", { class: "section-head" }, title, close), body);
  close.addEventListener("click", () => dialog.close());
  const open = async (file, line) => {
    const upload = uploads.find((u) => u.name === file) || uploads.find((u) => file.endsWith(u.name));
    title.textContent = line ? `${file}, line ${line}` : file;
    clear(body);
    dialog.showModal();
    if (!upload) {
      body.append(h("p", {}, "This file is not among the uploads any more."));
      return;
    }
    if (!/^text\/|json|markdown|html/.test(upload.media_type)) {
      body.append(h("p", {}, `${upload.media_type} file: nothing to show as text.`));
      return;
    }
    const blob = await api.get(`${base}/uploads/${upload.id}/content`);
    const text = typeof blob === "string" ? blob : await (blob.text ? blob.text() : JSON.stringify(blob, null, 2));
    const lines = text.split("\n");
    const list = h("ol", { class: "source__lines", tabindex: "0", "aria-label": `Lines of ${file}` }, lines.map((l, i) =>
      h("li", { class: i + 1 === line ? "source__line source__line--marked" : "source__line" }, l || " ")));
    body.append(list);
    const marked = list.querySelector(".source__line--marked");
    if (marked) marked.scrollIntoView({ block: "center" });
  };
  return { dialog, open };
}

async function versionsSection(base) {
  let versions;
  try {
    versions = (await api.get(`${base}/versions`)).items;
  } catch (err) {
    if (err.status === 404 && err.code === "not_found") return null; // no version history here
    return h("section", { class: "card" }, h("h2", {}, "Versions"), h("p", { class: "muted" }, err.message));
  }
  const items = versions.map((v, index) => {
    const changes = h("div", { class: "diff" });
    const show = h("button", { type: "button", class: "link-button", "aria-expanded": "false" },
      "Show changes", h("span", { class: "visually-hidden" }, ` in ${v.subject}`));
    show.addEventListener("click", async () => {
      const open = show.getAttribute("aria-expanded") === "true";
      show.setAttribute("aria-expanded", String(!open));
      if (open) {
        clear(changes);
        return;
      }
      try {
        const diff = await api.get(`${base}/versions/${encodeURIComponent(v.commit)}`);
        changes.replaceChildren(
          h("ul", { class: "diff__files" }, diff.files.map((f) =>
            h("li", {}, h("span", { class: `tag tag--${f.change === "removed" ? "warn" : "info"}` }, f.change), " ", h("code", {}, f.path)))),
          diff.patch ? h("pre", { class: "diff__patch", tabindex: "0", "aria-label": `Changes in ${v.subject}` }, diff.patch) : null,
          diff.truncated ? h("p", { class: "muted" }, "The changes are cut short here: download the site for the rest.") : null);
      } catch (err) {
        changes.replaceChildren(h("p", { class: "muted" }, err.message));
      }
    });
    return h("li", { class: "version" },
      h("div", { class: "version__head" },
        h("code", {}, v.commit.slice(0, 8)),
        h("span", { class: "version__subject" }, v.subject),
        index === 0 ? h("span", { class: "badge badge--live" }, "latest") : null,
        h("span", { class: "muted" }, formatTime(v.created)),
        index < versions.length - 1 ? show : null),
      changes);
  });
  return h("section", { class: "card", "aria-labelledby": "versions-title" },
    h("h2", { id: "versions-title" }, "Versions"),
    versions.length === 0 ? h("p", {}, "No versions yet.") : h("ol", { class: "versions" }, items));
}
