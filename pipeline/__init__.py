"""Praxis: multilingual write-ups of integration initiatives in, one clean dataset out."""

__version__ = "0.1.0"
