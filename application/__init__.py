"""Use cases of Kirby-Gen. Depends on domain ports only; adapters are handed in."""
