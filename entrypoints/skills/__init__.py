"""`kirbygen skills-api`: the skill plugins as a private HTTP service (see ``app``)."""
