// The projects list: status, last run and a thumbnail of the generated site.
import * as api from "../api.js";
import { formatTime, h } from "../dom.js";
import { projectHome, statusBadge } from "../project.js";

const HAS_PREVIEW = new Set(["generated", "deploying", "deployed"]);
const RUN_LABELS = {
  queued: "queued",
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
};

export async function render({ main, signal }) {
  const page = await api.get("/api/projects?limit=50");
  const heading = h("div", { class: "page-heading" },
    h("h1", {}, "Your projects"),
    h("a", { class: "button button--primary", href: "#/new" }, "New project"));
  main.append(heading);
  if (page.items.length === 0) {
    main.append(h("div", { class: "card empty" },
      h("h2", {}, "No projects yet"),
      h("p", {}, "A project turns a folder of notes and photos into a portfolio site. It takes a few minutes."),
      h("a", { class: "button button--primary", href: "#/new" }, "Start your first project")));
    return;
  }
  const list = h("ul", { class: "project-list", "aria-label": "Projects" });
  main.append(list);
  for (const project of page.items) {
    const lastRun = h("span", { class: "project-card__run" }, "No run yet");
    const thumb = h("div", { class: "thumb", inert: true }, h("span", { class: "thumb__initial" }, project.name.slice(0, 1)));
    list.append(h("li", { class: "project-card" },
      thumb,
      h("div", { class: "project-card__body" },
        h("h2", { class: "project-card__title" }, h("a", { href: projectHome(project) }, project.name)),
        h("p", { class: "project-card__meta" }, statusBadge(project.status)),
        h("p", { class: "project-card__meta" }, "Last run: ", lastRun),
        h("p", { class: "project-card__meta muted" }, `Updated ${formatTime(project.updated)}`))));
    describeLastRun(project, lastRun, signal);
    if (HAS_PREVIEW.has(project.status)) showThumbnail(project, thumb, signal);
  }
  if (page.total > page.items.length) {
    main.append(h("p", { class: "muted" }, `Showing ${page.items.length} of ${page.total} projects.`));
  }
}

async function describeLastRun(project, target, signal) {
  try {
    const runs = (await api.get(`/api/projects/${project.id}/runs`)).items;
    if (signal.aborted || runs.length === 0) return;
    const last = runs[runs.length - 1];
    target.textContent = `${RUN_LABELS[last.status] || last.status}, ${formatTime(last.finished || last.created)}`;
  } catch {
    target.textContent = "unknown";
  }
}

async function showThumbnail(project, target, signal) {
  try {
    const link = await api.post(`/api/projects/${project.id}/preview`);
    if (signal.aborted) return;
    target.replaceChildren(h("iframe", {
      src: api.apiUrl(link.url),
      title: `Thumbnail of ${project.name}`,
      loading: "lazy",
      tabindex: "-1",
      class: "thumb__frame",
    }));
  } catch {
    // No preview yet: the initial stays.
  }
}
