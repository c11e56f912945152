"""Reunify: find, track and reunite families separated by government agencies.

The core packages (``feeds``, ``names``, ``linkage``, ``custody``, ``rules``,
``synth``) are plain Python over rows and frames and never import Django; the
Django project in ``reunify.app`` stores and serves what the core computes.
"""

__version__ = "0.1.0"
