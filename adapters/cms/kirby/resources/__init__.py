"""Static files copied into every generated Kirby site (snippets, fallback template, CSS)."""
