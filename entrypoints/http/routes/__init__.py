"""Route lists, one module per resource."""

# Registers the ``id`` path convertor the route lists use.
import entrypoints.http.identifiers  # noqa: F401
