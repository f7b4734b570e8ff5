// The material of a project: content files, moodboard images and a logo, then the brand.
import * as api from "../api.js";
import { colourPicker, fontInput } from "../brand.js";
import { errorBox, field, formatBytes, h } from "../dom.js";
import { projectHeader } from "../project.js";
import { dropZone } from "../upload.js";

const KIND_LABELS = { content: "Content", moodboard: "Moodboard", branding: "Logo" };

export async function render({ main, params, navigate, announce }) {
  const [projectId] = params;
  const project = await api.get(`/api/projects/${projectId}`);
  const uploads = (await api.get(`/api/projects/${projectId}/uploads`)).items;
  const sent = h("ul", { class: "uploaded" });
  const sentCount = h("span", {});
  const drawSent = () => {
    sentCount.textContent = uploads.length === 1 ? "1 file" : `${uploads.length} files`;
    sent.replaceChildren(...uploads.map((upload) =>
      h("li", { class: "uploaded__item" },
        h("span", { class: "tag" }, KIND_LABELS[upload.kind] || upload.kind),
        h("span", { class: "uploaded__name" }, upload.name),
        h("span", { class: "muted" }, formatBytes(upload.size)),
        h("button", {
          type: "button",
          class: "link-button",
          "aria-label": `Remove ${upload.name}`,
          onclick: async () => {
            await api.del(`/api/projects/${projectId}/uploads/${upload.id}`);
            uploads.splice(uploads.indexOf(upload), 1);
            drawSent();
            announce(`${upload.name} removed.`);
          },
        }, "Remove"))));
  };
  const added = (items) => {
    uploads.push(...items);
    drawSent();
  };
  drawSent();

  const zones = h("div", { class: "upload-grid" },
    dropZoneFor("content", "Content", "Notes, documents and photos: PDF, DOCX, TXT, Markdown, HTML, JSON, JPEG, PNG, GIF, WebP, SVG. Folders can be dropped too."),
    dropZoneFor("moodboard", "Moodboard", "Images whose colours and mood should shape the design.", "image/*"),
    dropZoneFor("branding", "Logo", "Your logo, as an image.", "image/*", false));

  function dropZoneFor(kind, label, hint, accept, multiple = true) {
    return dropZone({ projectId, kind, label, hint, accept, multiple, onUploaded: added, announce });
  }

  const colours = colourPicker(project.brand_colors);
  const font = fontInput(project.font);
  const brandError = errorBox();
  const brandSaved = h("p", { class: "saved", role: "status" });
  const brandForm = h("form", { class: "card form" },
    h("h2", {}, "Brand"),
    colours.element,
    field("Font", font.input, "A font family for headings (optional)."),
    font.options,
    brandError,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button" }, "Save brand"), brandSaved));
  brandForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    brandError.show("");
    try {
      await api.patch(`/api/projects/${projectId}`, {
        brand_colors: colours.value(),
        font: font.input.value.trim() || null,
      });
      brandSaved.textContent = "Brand saved.";
    } catch (err) {
      brandError.show(err.explained || err.message);
    }
  });

  const next = h("button", { type: "button", class: "button button--primary" }, "Continue to the conversation");
  const nextError = errorBox();
  next.addEventListener("click", () => {
    if (!uploads.some((u) => u.kind === "content")) {
      nextError.show("Add at least one content file first: the conversation starts from your material.");
      return;
    }
    navigate(`#/p/${projectId}/conversation`);
  });

  main.append(
    projectHeader(project, "material", "Add your material"),
    h("p", { class: "lead" }, "Everything about your work: the more you give, the better the site. Each file is checked as it arrives."),
    zones,
    h("section", { class: "card", "aria-labelledby": "sent-title" },
      h("h2", { id: "sent-title" }, "In this project: ", sentCount),
      sent),
    brandForm,
    h("div", { class: "actions actions--end" }, nextError, next));
}
