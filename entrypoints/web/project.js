// What every project page shares: where a project's status leads, its header and steps.
import { h } from "./dom.js";

export const STATUS_LABELS = {
  draft: "Draft",
  mapping: "In conversation",
  ready: "Schema approved",
  generating: "Generating",
  generated: "Generated",
  deploying: "Deploying",
  deployed: "Deployed",
  failed: "Failed",
  cancelled: "Cancelled",
};

const STATUS_PAGE = {
  draft: "material",
  mapping: "conversation",
  ready: "conversation",
  generating: "run",
  generated: "result",
  deploying: "result",
  deployed: "result",
  failed: "run",
  cancelled: "run",
};

export function projectHome(project) {
  return `#/p/${project.id}/${STATUS_PAGE[project.status] || "material"}`;
}

export function statusBadge(status) {
  return h("span", { class: `badge badge--${status}` }, STATUS_LABELS[status] || status);
}

const STEPS = [
  ["material", "Material"],
  ["conversation", "Conversation"],
  ["run", "Generation"],
  ["result", "Result"],
];

// The four steps of a project as a navigation; the current one is marked for assistive tech.
export function projectSteps(project, active) {
  return h("nav", { class: "steps", "aria-label": "Project steps" },
    h("ol", {},
      STEPS.map(([page, label], index) =>
        h("li", { class: page === active ? "steps__item steps__item--active" : "steps__item" },
          h("a", {
            href: `#/p/${project.id}/${page}`,
            "aria-current": page === active ? "step" : undefined,
          }, h("span", { class: "steps__number", "aria-hidden": "true" }, String(index + 1)), label)))));
}

export function projectHeader(project, active, title) {
  return h("div", { class: "project-header" },
    h("p", { class: "eyebrow" }, h("a", { href: "#/projects" }, "Projects"), " / ", project.name, " ",
      statusBadge(project.status)),
    h("h1", {}, title),
    projectSteps(project, active));
}
