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

#: ``reunify link`` re-uses the stored person model and re-links only what changed, unless the records
#: changed since the model was trained exceed this share of all records: then it trains a new model.
LINK_RETRAIN_SHARE = float(os.environ.get("REUNIFY_LINK_RETRAIN_SHARE", "0.2"))


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
    "reunify.app.accounts",
    "reunify.app.audit",
    "reunify.app.web",
    "reunify.app.records",
    "reunify.app.people",
    "reunify.app.custody",
    "reunify.app.search",
    "reunify.app.cases",
    "ninja",  # its templates and static files: the API docs page loads nothing from a CDN
    "reunify.app.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "reunify.app.web.middleware.SecurityHeadersMiddleware",
    "reunify.app.web.middleware.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
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
                "reunify.app.web.context_processors.navigation",
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

# Extra rule-set folders (os.pathsep-separated) read after the packaged ones (reunify.rules).
RULES_DIRS = [Path(p) for p in os.environ.get("REUNIFY_RULES_DIRS", "").split(os.pathsep) if p.strip()]

# --- Accounts, sessions and security headers (issue 5) ---------------------------------------------
# Argon2id first: new and changed passwords use it; the others only verify old hashes.
PASSWORD_HASHERS = [
    "reunify.app.accounts.hashers.ReunifyArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "web:dashboard"
# Lockout: this many failed sign-ins for one username within the window lock it for the window.
REUNIFY_LOCKOUT_FAILURES = int(os.environ.get("REUNIFY_LOCKOUT_FAILURES", "5"))
REUNIFY_LOCKOUT_MINUTES = int(os.environ.get("REUNIFY_LOCKOUT_MINUTES", "15"))

# Secure cookies need HTTPS. Browsers accept them from http://localhost but not reliably from
# http://127.0.0.1, where the demo runs; so they default on unless every allowed host is loopback,
# and REUNIFY_SECURE_COOKIES=1 (production behind TLS) or =0 overrides.
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
SECURE_COOKIES = _env_bool("REUNIFY_SECURE_COOKIES", not set(ALLOWED_HOSTS) <= _LOOPBACK)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page (hx-headers), never from the cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _env_bool("REUNIFY_HTTPS", False):  # behind a TLS-terminating proxy
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("REUNIFY_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Served by reunify.app.web.middleware; no inline script or style anywhere, so none is allowed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# --- Front-end assets and static files -------------------------------------------------------------
# USWDS and htmx come from npm at set-up (package.json at the repository root, ./run setup).
NODE_MODULES = Path(os.environ.get("REUNIFY_NODE_MODULES", BASE_DIR.parents[2] / "node_modules"))
STATICFILES_DIRS = [
    (prefix, NODE_MODULES / folder)
    for prefix, folder in [
        ("uswds/css", "@uswds/uswds/dist/css"),
        ("uswds/js", "@uswds/uswds/dist/js"),
        ("uswds/fonts", "@uswds/uswds/dist/fonts"),
        ("uswds/img", "@uswds/uswds/dist/img"),
        ("htmx", "htmx.org/dist"),
    ]
    if (NODE_MODULES / folder).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "reunify.app.web.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
