// The live, editable content schema: entities with their fields, types and relations.
// Every change is sent to the API as a whole draft and the answer redraws the editor.
import { h, uid } from "./dom.js";

export const FIELD_TYPES = ["text", "textarea", "richtext", "markdown", "code", "number", "range",
  "boolean", "select", "multiselect", "radio", "checkboxes", "date", "time", "datetime", "image",
  "file", "gallery", "files", "list", "structure", "blocks", "json", "relation", "relations", "url",
  "email", "tel", "color", "location", "tags"];

const RELATION_TYPES = new Set(["relation", "relations"]);

export function snakeCase(text) {
  const id = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[a-z]/.test(id) ? id : `field_${id}`;
}

function typeSelect(value, label) {
  return h("select", { "aria-label": label },
    FIELD_TYPES.map((type) => h("option", { value: type, selected: type === value }, type)));
}

// What changed between two schemas, in words, for the conversation's record.
export function describeChanges(before, after) {
  const notes = [];
  const entities = new Map(before.entities.map((e) => [e.id, e]));
  for (const entity of after.entities) {
    const old = entities.get(entity.id);
    if (!old) {
      notes.push(`added ${entity.name}`);
      continue;
    }
    if (old.name !== entity.name) notes.push(`renamed ${old.name} to ${entity.name}`);
    const fields = new Map(old.fields.map((f) => [f.id, f]));
    for (const f of entity.fields) {
      const was = fields.get(f.id);
      if (!was) notes.push(`added field ${f.label} (${f.type}) to ${entity.name}`);
      else {
        if (was.label !== f.label) notes.push(`renamed field ${was.label} to ${f.label} in ${entity.name}`);
        if (was.type !== f.type) notes.push(`changed ${f.label} in ${entity.name} to ${f.type}`);
        const linked = (f.options || {}).target_entity;
        if (linked && linked !== (was.options || {}).target_entity) {
          const to = after.entities.find((e) => e.id === linked);
          notes.push(`linked ${f.label} in ${entity.name} to ${to ? to.name : linked}`);
        }
      }
      fields.delete(f.id);
    }
    for (const gone of fields.values()) notes.push(`removed field ${gone.label} from ${entity.name}`);
  }
  return notes;
}

export function schemaEditor({ onChange }) {
  const root = h("div", { class: "schema-editor" });
  let schema = null;
  let locked = false;

  const commit = (mutate) => {
    const draft = structuredClone(schema);
    mutate(draft);
    onChange(draft);
  };

  const entityView = (entity, index) => {
    const key = `e-${entity.id}`;
    const targetSelect = (f, fi) => {
      const select = h("select", {
        "aria-label": `${f.label} in ${entity.name} links to`,
        disabled: locked,
        dataset: { focusKey: `${key}-f-${f.id}-target` },
      }, schema.entities.map((e) =>
        h("option", { value: e.id, selected: e.id === (f.options || {}).target_entity }, `→ ${e.name}`)));
      select.addEventListener("change", () => commit((d) => {
        const changed = d.entities[index].fields[fi];
        changed.options = { ...(changed.options || {}), target_entity: select.value };
      }));
      return select;
    };
    const nameInput = h("input", {
      type: "text",
      value: entity.name,
      disabled: locked,
      dataset: { focusKey: `${key}-name` },
      "aria-label": `Name of ${entity.name}`,
    });
    nameInput.addEventListener("change", () => {
      const name = nameInput.value.trim();
      if (!name || name === entity.name) return;
      commit((d) => {
        d.entities[index].name = name;
      });
    });
    const rows = entity.fields.map((f, fi) => {
      const label = h("input", {
        type: "text",
        value: f.label,
        disabled: locked,
        dataset: { focusKey: `${key}-f-${f.id}-label` },
        "aria-label": `Label of field ${f.id} in ${entity.name}`,
      });
      label.addEventListener("change", () => {
        const text = label.value.trim();
        if (!text || text === f.label) return;
        commit((d) => {
          d.entities[index].fields[fi].label = text;
        });
      });
      const type = typeSelect(f.type, `Type of field ${f.label} in ${entity.name}`);
      type.disabled = locked;
      type.dataset.focusKey = `${key}-f-${f.id}-type`;
      type.addEventListener("change", () => commit((d) => {
        const changed = d.entities[index].fields[fi];
        changed.type = type.value;
        changed.options = { ...(changed.options || {}) };
        // A relation needs the entity it links to; any other type must not name one.
        if (RELATION_TYPES.has(type.value)) {
          const other = d.entities.find((e) => e.id !== entity.id) || entity;
          changed.options.target_entity = changed.options.target_entity || other.id;
        } else changed.options.target_entity = null;
      }));
      const target = RELATION_TYPES.has(f.type) ? targetSelect(f, fi) : null;
      return h("li", { class: "schema-field" },
        h("code", { class: "schema-field__id" }, f.id),
        label, type, target,
        h("button", {
          type: "button",
          class: "icon-button",
          disabled: locked,
          dataset: { focusKey: `${key}-f-${f.id}-remove` },
          "aria-label": `Remove field ${f.label} from ${entity.name}`,
          onclick: () => commit((d) => {
            d.entities[index].fields.splice(fi, 1);
          }),
        }, "×"));
    });
    const newLabel = h("input", { type: "text", placeholder: "New field", disabled: locked,
      dataset: { focusKey: `${key}-new-label` }, "aria-label": `New field in ${entity.name}` });
    const newType = typeSelect("text", `Type of the new field in ${entity.name}`);
    newType.disabled = locked;
    const add = h("form", { class: "schema-add" }, newLabel, newType,
      h("button", { type: "submit", class: "button button--small", disabled: locked }, "Add field"));
    add.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = newLabel.value.trim();
      if (!text) return;
      commit((d) => {
        const added = { id: snakeCase(text), label: text, type: newType.value };
        if (RELATION_TYPES.has(newType.value)) {
          added.options = { target_entity: (d.entities.find((e) => e.id !== entity.id) || entity).id };
        }
        d.entities[index].fields.push(added);
      });
    });
    const headingId = uid("entity");
    return h("section", { class: "schema-entity", "aria-labelledby": headingId },
      h("div", { class: "schema-entity__head" },
        h("h3", { id: headingId }, entity.name),
        h("span", { class: "tag" }, entity.kind === "collection" ? "collection" : "single page")),
      h("div", { class: "inline" }, nameInput),
      h("ul", { class: "schema-fields", "aria-label": `Fields of ${entity.name}` }, rows),
      add);
  };

  root.update = (next, { approved }) => {
    const focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.focusKey : null;
    schema = next;
    locked = approved;
    const relations = (schema.relationships || []).map((r) =>
      h("li", {}, `${r.label || r.id}: ${r.from_entity} → ${r.to_entity} (${r.type})`));
    root.replaceChildren(...schema.entities.map(entityView));
    if (relations.length) {
      root.append(h("section", { class: "schema-relations" }, h("h3", {}, "Relations"), h("ul", {}, relations)));
    }
    if (focused) {
      const again = root.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  };
  return root;
}
