"""The HTTP API (Starlette): see docs/api.md and /api/openapi.json."""
