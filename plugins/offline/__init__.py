"""The built-in offline skills: deterministic, pure, no network."""
