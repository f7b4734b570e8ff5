"""Versioning through the git command line."""
