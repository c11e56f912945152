"""Argon2id with OWASP's recommended cost instead of Django's heavier default."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class ReunifyArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m=19 MiB, t=2, p=1 (OWASP Password Storage Cheat Sheet's first recommendation).

    Django's default (100 MiB, 8 lanes) costs most of a second of a small
    server's two cores per sign-in, which with several gunicorn workers turns
    a burst of sign-ins into a denial of service; OWASP's setting keeps the
    memory-hard protection at a fraction of that. Same algorithm name, so
    hashes made with other parameters still verify and are upgraded on sign-in.
    """

    time_cost = 2
    memory_cost = 19456
    parallelism = 1
