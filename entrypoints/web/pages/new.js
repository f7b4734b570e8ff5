// A new project: its name, brand colours and font. The material comes next.
import * as api from "../api.js";
import { colourPicker, fontInput } from "../brand.js";
import { errorBox, field, h } from "../dom.js";

export async function render({ main, navigate, announce }) {
  const name = h("input", { type: "text", name: "name", required: true, autocomplete: "off" });
  const colours = colourPicker();
  const font = fontInput();
  const error = errorBox();
  const submit = h("button", { type: "submit", class: "button button--primary" }, "Create project");
  const form = h("form", { class: "card form", novalidate: true },
    field("Project name", name, "Usually your name or your studio's."),
    colours.element,
    field("Font", font.input, "A font family you like for headings (optional)."),
    font.options,
    error,
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!name.value.trim()) {
      error.show("Give the project a name.");
      name.focus();
      return;
    }
    submit.disabled = true;
    try {
      const body = { name: name.value.trim(), brand_colors: colours.value() };
      if (font.input.value.trim()) body.font = font.input.value.trim();
      const project = await api.post("/api/projects", body);
      announce(`Project ${project.name} created. Add your material.`);
      navigate(`#/p/${project.id}/material`);
    } catch (err) {
      error.show(err.explained || err.message);
      submit.disabled = false;
    }
  });
  main.append(
    h("div", { class: "narrow" },
      h("h1", {}, "New project"),
      h("p", { class: "lead" }, "First the basics. Next you add your notes, photos and images."),
      form));
}
