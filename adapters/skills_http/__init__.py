"""The skill port over HTTP: the skills of a private `kirbygen skills-api` service.

``wire`` is what both sides speak (request shapes, the result envelope, errors);
``client`` sends calls with timeouts and retries; ``registry`` is the ``SkillRegistry``
the pipeline and the conversation use when ``SKILLS_BASE_URL`` is set.
"""
