// Brand colours and font inputs, shared by the new-project form and the material page.
import { h, uid } from "./dom.js";

const MAX_COLOURS = 5;
export const FONTS = ["Fraunces", "Inter", "Charter", "Source Serif 4", "IBM Plex Sans",
  "Work Sans", "Playfair Display", "Space Grotesk", "Lora", "system-ui"];

export function colourPicker(initial = []) {
  const colours = [...initial];
  const picker = h("input", { type: "color", value: "#b4532a", id: uid("colour") });
  const list = h("ul", { class: "chips", "aria-label": "Brand colours chosen" });
  const add = h("button", { type: "button", class: "button" }, "Add colour");
  const wrap = h("fieldset", { class: "fieldset" },
    h("legend", {}, "Brand colours"),
    h("p", { class: "hint", id: `${picker.id}-hint` }, `Up to ${MAX_COLOURS}. They lead the palette; the rest comes from your images.`),
    h("div", { class: "inline" }, h("label", { for: picker.id }, "Colour"), picker, add),
    list);
  picker.setAttribute("aria-describedby", `${picker.id}-hint`);
  const draw = () => {
    list.replaceChildren(...colours.map((hex, index) => {
      const swatch = h("span", { class: "chip__swatch", "aria-hidden": "true" });
      swatch.style.setProperty("--swatch", hex);
      return h("li", { class: "chip" }, swatch, hex,
        h("button", {
          type: "button",
          class: "chip__remove",
          "aria-label": `Remove ${hex}`,
          onclick: () => {
            colours.splice(index, 1);
            draw();
            add.focus();
          },
        }, "×"));
    }));
    add.disabled = colours.length >= MAX_COLOURS;
  };
  add.addEventListener("click", () => {
    const hex = picker.value.toLowerCase();
    if (!colours.includes(hex) && colours.length < MAX_COLOURS) colours.push(hex);
    draw();
  });
  draw();
  return { element: wrap, value: () => [...colours] };
}

export function fontInput(initial) {
  const listId = uid("fonts");
  const input = h("input", { type: "text", name: "font", list: listId, value: initial || "", autocomplete: "off" });
  const options = h("datalist", { id: listId }, FONTS.map((f) => h("option", { value: f })));
  return { input, options };
}
