"""Pure domain model of Kirby-Gen: attrs classes, validation and ports. No frameworks."""
