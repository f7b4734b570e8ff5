// Sign in, or create an account (then sign in at once).
import * as api from "../api.js";
import { errorBox, field, h } from "../dom.js";

export async function render({ main, mode, navigate, announce }) {
  const registering = mode === "register";
  if (api.user()) {
    navigate("#/projects");
    return;
  }
  const email = h("input", { type: "email", name: "email", autocomplete: "email", required: true });
  const password = h("input", {
    type: "password",
    name: "password",
    required: true,
    minLength: registering ? 8 : undefined,
    autocomplete: registering ? "new-password" : "current-password",
  });
  const error = errorBox();
  const submit = h("button", { type: "submit", class: "button button--primary" },
    registering ? "Create account" : "Sign in");
  const form = h("form", { class: "card auth-form", novalidate: true },
    field("Email", email),
    field("Password", password, registering ? "At least 8 characters." : null),
    error,
    submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    if (!email.value || !password.value) {
      error.show("Enter your email and a password.");
      (email.value ? password : email).focus();
      return;
    }
    submit.disabled = true;
    try {
      if (registering) await api.register(email.value.trim(), password.value);
      else await api.login(email.value.trim(), password.value);
      announce(registering ? "Your account is ready." : "You are signed in.");
      const next = sessionStorage.getItem("kirbygen.after-signin");
      sessionStorage.removeItem("kirbygen.after-signin");
      navigate(next && !next.includes("signin") && !next.includes("register") ? next : "#/projects");
    } catch (err) {
      error.show(err.explained || err.message);
      submit.disabled = false;
    }
  });
  main.append(
    h("div", { class: "auth" },
      h("div", { class: "auth__intro" },
        h("h1", {}, registering ? "Create your account" : "Sign in"),
        h("p", { class: "lead" },
          "Drop in your notes, photos and brand; answer a few questions; get a portfolio site you can edit in Kirby's Panel."),
        h("p", {}, registering
          ? h("span", {}, "Already have an account? ", h("a", { href: "#/signin" }, "Sign in"))
          : h("span", {}, "New here? ", h("a", { href: "#/register" }, "Create an account")))),
      form));
}
