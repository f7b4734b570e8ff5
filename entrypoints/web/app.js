// The shell: a hash router (works on any static host without rewrites), the navigation,
// focus management between pages and one polite live region for announcements.
import * as api from "./api.js";
import { append, clear, h } from "./dom.js";

const ROUTES = [
  { path: /^\/signin$/, page: "auth", title: "Sign in", open: true },
  { path: /^\/register$/, page: "auth", title: "Create an account", open: true },
  { path: /^\/projects$/, page: "projects", title: "Your projects" },
  { path: /^\/new$/, page: "new", title: "New project" },
  { path: /^\/p\/([\w-]+)\/material$/, page: "material", title: "Material" },
  { path: /^\/p\/([\w-]+)\/conversation$/, page: "conversation", title: "Conversation" },
  { path: /^\/p\/([\w-]+)\/run(?:\/([\w-]+))?$/, page: "run", title: "Generation" },
  { path: /^\/p\/([\w-]+)\/result$/, page: "result", title: "Result" },
];

const main = document.getElementById("main");
const announcer = document.getElementById("announcer");
let current = null;

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

export function announce(text) {
  // Cleared first so the same words twice are still read out.
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

function renderNav() {
  const nav = clear(document.getElementById("nav"));
  const who = api.user();
  if (!who) {
    append(nav, [
      h("li", {}, h("a", { href: "#/signin" }, "Sign in")),
      h("li", {}, h("a", { href: "#/register" }, "Create an account")),
    ]);
    return;
  }
  const signOut = async () => {
    await api.logout();
    navigate("#/signin");
    announce("You are signed out.");
  };
  append(nav, [
    h("li", {}, h("a", { href: "#/projects" }, "Projects")),
    h("li", {}, h("a", { href: "#/new" }, "New project")),
    h("li", { class: "site-nav__user" }, h("span", { class: "visually-hidden" }, "Signed in as "), who.email),
    h("li", {}, h("button", { type: "button", class: "link-button", onclick: signOut }, "Sign out")),
  ]);
  for (const link of nav.querySelectorAll("a")) {
    if (link.getAttribute("href") === location.hash) link.setAttribute("aria-current", "page");
  }
}

async function route() {
  const path = location.hash.replace(/^#/, "") || "/projects";
  const match = ROUTES.map((r) => ({ r, m: r.path.exec(path) })).find((x) => x.m);
  if (!match) {
    navigate("#/projects");
    return;
  }
  const { r, m } = match;
  if (!r.open && !api.user()) {
    sessionStorage.setItem("kirbygen.after-signin", location.hash);
    navigate("#/signin");
    return;
  }
  if (current) current.abort();
  const controller = new AbortController();
  current = controller;
  renderNav();
  const module = await import(`./pages/${r.page}.js`);
  if (controller.signal.aborted) return;
  clear(main);
  main.className = `page page--${r.page}`;
  document.title = `${r.title} · Kirby-Gen`;
  const context = {
    main,
    params: m.slice(1),
    mode: r.path.source.includes("register") ? "register" : "signin",
    signal: controller.signal,
    navigate,
    announce,
    setTitle: (title) => {
      document.title = `${title} · Kirby-Gen`;
    },
  };
  try {
    await module.render(context);
  } catch (error) {
    if (controller.signal.aborted) return;
    if (error instanceof api.ApiError && error.status === 401) {
      navigate("#/signin");
      return;
    }
    clear(main);
    append(main, [
      h("h1", { tabindex: "-1" }, "Something went wrong"),
      h("p", { role: "alert" }, error.explained || error.message),
      h("p", {}, h("a", { href: "#/projects" }, "Back to your projects")),
    ]);
  }
  if (controller.signal.aborted) return;
  // Move focus to the new page's heading so keyboard and screen-reader users start there.
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }
}

api.onAuthChange(renderNav);
window.addEventListener("hashchange", route);
api.refresh().finally(route);
