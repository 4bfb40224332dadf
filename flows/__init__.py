"""Prefect flows: thin wrappers that run pipeline/ functions as tasks."""
