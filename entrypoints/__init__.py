"""Ways into Kirby-Gen: the CLI, the HTTP API, the worker."""
