"""Built-in document parsers (one plugin module per format)."""
