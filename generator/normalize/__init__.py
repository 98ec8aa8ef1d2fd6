"""Normalize: inline body schemas hoisted; every schema named as its Python class."""
