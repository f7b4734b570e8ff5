// Reading the design tokens (W3C DTCG) and judging colour pairs by WCAG contrast.

export function hexOf(value) {
  if (typeof value === "string") return value;
  if (value && typeof value.hex === "string") return value.hex; // DTCG colour objects
  return null;
}

function channel(c) {
  const v = c / 255;
  return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

export function luminance(hex) {
  const m = /^#?([0-9a-f]{6})/i.exec(hex || "");
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

export function contrast(a, b) {
  const la = luminance(a);
  const lb = luminance(b);
  if (la === null || lb === null) return null;
  const [hi, lo] = la > lb ? [la, lb] : [lb, la];
  return (hi + 0.05) / (lo + 0.05);
}

export function grade(ratio) {
  if (ratio >= 7) return "AAA";
  if (ratio >= 4.5) return "AA";
  if (ratio >= 3) return "AA large";
  return "fails";
}

function token(tree, path) {
  return path.split(".").reduce((node, key) => (node ? node[key] : undefined), tree);
}

// The swatches worth showing: the four palette roles, the page roles and the semantic colours.
export function swatches(tokens) {
  const color = tokens.color || {};
  const groups = [
    ["Palette", ["primary", "secondary", "accent", "neutral"].map((r) => [r, `${r}.500`])],
    ["Page", ["text", "muted", "link", "background", "surface", "border"].map((r) => [r, `role.${r}`])],
    ["Messages", ["success", "warning", "error", "info"].map((r) => [r, `semantic.${r}`])],
  ];
  return groups.map(([title, entries]) => ({
    title,
    items: entries
      .map(([name, path]) => {
        const t = token(color, path);
        const hex = t ? hexOf(t.$value) : null;
        if (!hex) return null;
        const ext = (t.$extensions && t.$extensions.kirbygen) || {};
        return { name, hex, source: ext.source || "", adjusted: ext.adjusted || null };
      })
      .filter(Boolean),
  })).filter((g) => g.items.length);
}

export function fonts(tokens) {
  const family = (token(tokens, "typography.font-family") || {});
  return Object.entries(family)
    .filter(([, t]) => t && t.$value)
    .map(([role, t]) => ({ role, stack: Array.isArray(t.$value) ? t.$value : [t.$value], description: t.$description || "" }));
}

export function sizes(tokens) {
  const size = token(tokens, "typography.font-size") || {};
  return Object.entries(size)
    .filter(([, t]) => t && t.$value)
    .map(([name, t]) => ({ name, rem: typeof t.$value === "object" ? t.$value.value : parseFloat(t.$value) }))
    .sort((a, b) => a.rem - b.rem);
}

export function roleColour(tokens, role, fallback) {
  const t = token(tokens.color || {}, `role.${role}`);
  return (t && hexOf(t.$value)) || fallback;
}
