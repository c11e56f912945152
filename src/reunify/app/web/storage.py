"""Static files: compressed and fingerprinted by WhiteNoise once collected, plain names before that."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, tolerant of files not collected yet.

    ``reunify serve`` collects before serving, so production URLs are always
    fingerprinted. Tests and development render pages without collecting; a
    plain URL there (served by the finders) beats an exception. USWDS's CSS
    also names source maps it does not ship, which must not stop collection.
    """

    manifest_strict = False

    def hashed_name(self, name: str, content: object = None, filename: str | None = None) -> str:
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            return name
