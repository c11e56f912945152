"""Settings read from the environment, so one code base runs on a laptop and in production.

``REUNIFY_DATABASE_URL`` chooses the database: an SQLite file under ``./var/``
by default (one command runs everything on one machine), PostgreSQL when given a
``postgresql://`` URL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("REUNIFY_VAR_DIR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url() -> str:
    """The database URL in force; the SQLite default lives under ./var/ so a checkout is self-contained."""
    url = os.environ.get("REUNIFY_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{VAR_DIR / 'reunify.sqlite3'}"


DEBUG = _env_bool("REUNIFY_DEBUG", False)
SECRET_KEY = os.environ.get("REUNIFY_SECRET_KEY") or "reunify-insecure-development-key-change-me"
ALLOWED_HOSTS = [h for h in os.environ.get("REUNIFY_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "reunify.app.records",
    "reunify.app.people",
    "reunify.app.custody",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "reunify.app.urls"
WSGI_APPLICATION = "reunify.app.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_db = dj_database_url.parse(database_url(), conn_max_age=0)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (the web application) work while an ingest writes; the busy
    # timeout makes a concurrent writer wait instead of failing at once.
    _db.setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
DATABASES = {"default": _db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
