// A drop zone with a file button: every file is sent in its own request with its own
// progress bar, and a refused file says why (naming the limit when one was reached).
import * as api from "./api.js";
import { formatBytes, h, uid } from "./dom.js";

const PARALLEL = 3;

// Files dropped, folders included (walked recursively).
async function droppedFiles(dataTransfer) {
  const entries = [...dataTransfer.items]
    .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null))
    .filter(Boolean);
  if (entries.length === 0) return [...dataTransfer.files];
  const files = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      files.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      let batch;
      do {
        batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        for (const child of batch) await walk(child);
      } while (batch.length > 0);
    }
  };
  for (const entry of entries) await walk(entry);
  return files.filter((f) => !f.name.startsWith("."));
}

export function dropZone({ projectId, kind, label, hint, accept, multiple = true, onUploaded, announce }) {
  const inputId = uid("files");
  const input = h("input", {
    type: "file",
    id: inputId,
    class: "drop__input",
    multiple,
    accept,
    "aria-describedby": `${inputId}-hint`,
  });
  const list = h("ul", { class: "file-list", "aria-label": `${label}: files sent` });
  const zone = h("div", { class: "drop" },
    h("p", { class: "drop__text", "aria-hidden": "true" }, "Drop files here, or"),
    h("label", { for: inputId, class: "button drop__button" }, `Choose ${multiple ? "files" : "a file"}`, h("span", { class: "visually-hidden" }, ` for ${label}`)),
    input);
  const section = h("section", { class: "card upload", "aria-labelledby": `${inputId}-title` },
    h("h2", { id: `${inputId}-title` }, label),
    h("p", { class: "hint", id: `${inputId}-hint` }, hint),
    zone,
    list);

  const queue = [];
  let active = 0;
  const pump = () => {
    while (active < PARALLEL && queue.length > 0) {
      const job = queue.shift();
      active += 1;
      job().finally(() => {
        active -= 1;
        pump();
      });
    }
  };

  const send = (files) => {
    const results = files.map((file) => {
      const progress = h("progress", { max: 100, value: 0, "aria-label": `Sending ${file.name}` });
      const status = h("span", { class: "file__status" }, "Waiting");
      const row = h("li", { class: "file" },
        h("span", { class: "file__name" }, file.name),
        h("span", { class: "file__size" }, formatBytes(file.size)),
        progress, status);
      list.append(row);
      return new Promise((resolve) => {
        queue.push(() =>
          api.upload(projectId, kind, file, (share) => {
            progress.value = Math.round(share * 100);
            status.textContent = `${Math.round(share * 100)} %`;
          }).then((items) => {
            progress.value = 100;
            row.classList.add("file--done");
            status.textContent = "Uploaded";
            onUploaded(items);
            resolve(true);
          }).catch((error) => {
            row.classList.add("file--rejected");
            progress.remove();
            status.replaceChildren(h("strong", {}, "Not accepted: "), error.explained || error.message);
            resolve(false);
          }));
        pump();
      });
    });
    Promise.all(results).then((outcomes) => {
      const refused = outcomes.filter((ok) => !ok).length;
      const sent = outcomes.length - refused;
      announce(`${label}: ${sent} uploaded${refused ? `, ${refused} not accepted` : ""}.`);
    });
  };

  input.addEventListener("change", () => {
    send([...input.files]);
    input.value = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("drop--over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("drop--over"));
  zone.addEventListener("drop", async (event) => {
    event.preventDefault();
    zone.classList.remove("drop--over");
    const files = await droppedFiles(event.dataTransfer);
    send(multiple ? files : files.slice(0, 1));
  });
  return section;
}
