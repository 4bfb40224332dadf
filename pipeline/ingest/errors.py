"""The error a format reader raises, as the readers import it (it lives in pipeline/errors.py)."""

from pipeline.errors import ReadError  # noqa: F401
