"""Adapters: one package per technology, each implementing ports from ``domain.ports``."""
