"""Settings from the environment and the composition root."""
