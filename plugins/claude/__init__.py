"""The Claude skills: domain mapping, the modelling conversation, structuring and design on
a language model (``domain.ports.LanguageModel``). They register through the
``kirbygen_model_skills`` hook, which is called only when the Claude family is chosen."""
