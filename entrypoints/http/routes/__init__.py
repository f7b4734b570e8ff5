"""Route lists, one module per resource."""
