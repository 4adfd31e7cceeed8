"""Settings for every environment, read from environment variables (see .env.example).

Without any variable set, the project runs as a self-contained development setup: SQLite, an
embedded filesystem broker for Celery and the console email backend.
"""

import json
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from helpdesk.env import env_bool, env_choice, env_int, env_list, env_pair, env_str

# The classes the type checker treats as generic (`admin.ModelAdmin[Case]`) accept their type
# arguments at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HELPDESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# HTTPS. Under DEBUG every switch defaults to off (development runs on plain HTTP); with DEBUG off
# the defaults are the secure ones, and `manage.py check --deploy` reports nothing with the
# production values of .env.example.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Behind a proxy that ends TLS: the header it sets and its value for HTTPS, e.g.
# "HTTP_X_FORWARDED_PROTO,https"; without it the app sees HTTP and the redirect loops.
SECURE_PROXY_SSL_HEADER = env_pair("SECURE_PROXY_SSL_HEADER")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
# These two reach beyond this host (its subdomains, the browsers' preload lists): opt in.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (the shared Redis one in production) and kept in the database
# too: a page, and the case page's presence poll every 10 s, does not query for its session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Scripts may read the CSRF cookie to send it back as X-CSRFToken (a browser client of the API, an
# htmx request); hiding it from them protects nothing, as Django's documentation explains.
CSRF_COOKIE_HTTPONLY = False
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): a page runs and styles itself only with this site's own
# files: no inline <script>, <style> or style attribute, no CDN, and no site may frame it. It
# applies everywhere without exception: the API docs use drf-spectacular's split view (api/urls.py)
# and Django's admin needs no relaxation (tests/security/test_csp_in_browser.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

INSTALLED_APPS = [
    "backoffice.admin_app.HelpdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Django's widget templates, for the project-wide form renderer (FORM_RENDERER).
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "axes",
    "cases",
    "workflows",
    "notifications",
    "services",
    "api",
    "backoffice",
    "demo",
    "web",
    "portal",
    "agent",
    "mail",
]

MIDDLEWARE = [
    # First: every log record of the request, and its answer, carry the request id.
    "helpdesk.request_id.RequestIdMiddleware",
    # Request counts and latencies for /metrics, around everything else (django-prometheus).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside what follows, so that it sees every answer drawn for someone signed in, and every
    # API answer, the lockout's included: `Cache-Control: no-store` unless a view said otherwise.
    "web.cache_control.NoStoreMiddleware",
    "web.timezones.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view or the CSRF check reads the body: one larger than any form takes (files
    # included) is refused by its Content-Length, unread (413).
    "web.upload_limits.UploadLimitMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Inside the others, so that the 404 page it draws under DEBUG gets their headers too.
    "web.not_found.NotFoundPageMiddleware",
    "helpdesk.request_metrics.RequestMetricsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

# /health/ (helpdesk/health.py) and /metrics (helpdesk/metrics_endpoint.py) answer a load balancer
# and Prometheus, which probe a node by its own address over plain HTTP: no redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics$"]
# /metrics asks for `Authorization: Bearer <METRICS_TOKEN>`; unset, it answers 404 (no metrics).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.header",
            ],
        },
    },
]
# `{{ form }}` and `{{ field.as_field_group }}` draw the product's fields (templates/forms/).
FORM_RENDERER = "web.rendering.FormRenderer"

DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'helpdesk.sqlite3'}"
# What sits between the application and PostgreSQL: nothing ("") or PgBouncer in transaction mode
# ("pgbouncer"), which needs the connection set for it (below).
DATABASE_POOLER = env_choice("DATABASE_POOLER", "", ["", "pgbouncer"])
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Waiting for the write lock beats failing with "database is locked" when the web app, the
    # worker and beat share one SQLite file in development.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Each transaction takes the write lock when it begins, so it waits for that timeout
    # instead of failing at once when a read turns into a write; and the automations' "lock,
    # re-check, act" holds on SQLite too.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if DATABASE_POOLER == "pgbouncer":
        # PgBouncer in transaction mode hands each transaction to any server connection: a
        # prepared statement or a cursor kept open across transactions would land on another
        # one, and it refuses startup options (`-c jit=off`). JIT is then turned off by the
        # role's own setting (`ALTER ROLE … SET jit = off`, docs/deploy.md). Django's
        # own pool on top of PgBouncer's would hold server connections twice over.
        if _options.get("pool"):
            raise ImproperlyConfigured("DATABASE_POOLER=pgbouncer: leave Django's pool off")
        _options["prepare_threshold"] = None
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        # No JIT compilation: it pays off on long analytical queries, and cost 160 ms of the
        # overview's 1.5 s aggregate at a million cases while saving nothing on the pages'
        # short ones.
        _options.setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "cases.User"

# Every password someone sets (the API's user creation, the admin's user forms, the password
# change and reset pages, `manage.py changepassword`) passes Django's four validators, and ours: no
# guessable word (common, the product's name, a season or month, an organization's name) with
# digits or symbols around it (web/passwords.py). Changing or resetting a password also revokes
# the user's API tokens (api/signals.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "web.passwords.GuessableWordValidator",
        "OPTIONS": {"product_names": ["helpdesk", "help desk"]},
    },
]

# Signing in: django-axes' backend first refuses a locked-out pair of username and client address
# (see "Sign-in throttling" below), then Django's own backend checks the password.
AUTHENTICATION_BACKENDS = [
    "helpdesk.throttling.ThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in throttling (django-axes; helpdesk/throttling.py). Five failures of one pair of username
# and client address, each within 15 minutes of the one before, lock that pair out for 15 minutes
# after the fifth, on every entrance (the sign-in page, the admin's, POST /api/auth/token/) counted
# across them, the right password included. The fifth failure still answers as a failure; an
# attempt refused by the lockout answers 429: the sign-in page again with "Too many failed
# attempts: try again in 15 minutes" as its form error, or that `detail` from the API.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A refused attempt does not restart the 15 minutes: the lockout ends when the message says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "helpdesk.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "helpdesk.throttling.client_address"
# The client address: the connection's, or, behind reverse proxies, the one the outermost proxy
# saw: TRUSTED_PROXY_COUNT proxies each append to CLIENT_IP_HEADER (X-Forwarded-For), so it is the
# TRUSTED_PROXY_COUNT-th address from the right (what a client writes there itself is ignored).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "HTTP_X_FORWARDED_FOR")
# No start-up banner on every command; failures and lockouts are still logged as warnings.
AXES_VERBOSE = False
# Wider limits (helpdesk/sign_in_limits.py): over the last hour, 50 failures from one address
# whatever the usernames, or 20 for one username whatever the addresses, refuse further attempts
# until they fall under the limit, except for a username from an address where it signed in
# before (so the owner at their usual place is never held by them). Counted in django-axes' log
# of failures, kept 30 days.
AXES_HANDLER = "helpdesk.sign_in_limits.SignInLimitsHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 1000
SIGN_IN_FAILURE_WINDOW = timedelta(hours=1)
# High enough that an office behind one address, or a script's tests of its own failed sign-ins,
# never meets them; low enough that guessing is held to a few dozen an hour.
SIGN_IN_FAILURES_PER_ADDRESS = env_int("SIGN_IN_FAILURES_PER_ADDRESS", 50)
SIGN_IN_FAILURES_PER_USERNAME = env_int("SIGN_IN_FAILURES_PER_USERNAME", 20)
SIGN_IN_FAILURE_LOG_RETENTION = timedelta(days=30)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
if DEBUG:
    # WhiteNoise warns about a missing root; in development `collectstatic` has not run.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded files (attachments) go to Django's default storage: a folder under VAR_DIR, unless
# STORAGE_BACKEND names another Django storage (e.g. django-storages'
# "storages.backends.s3.S3Storage"), configured by STORAGE_OPTIONS, a JSON object of its options.
# No MEDIA_URL route serves them: only the attachment views do, once they have checked who asks.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
try:
    STORAGE_OPTIONS = json.loads(env_str("STORAGE_OPTIONS", "{}"))
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured(f"STORAGE_OPTIONS must be a JSON object: {exc}") from exc
STORAGES = {
    "default": {
        "BACKEND": env_str("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": STORAGE_OPTIONS,
    },
    # Compressed copies written by `collectstatic` (the web start's first step, docs/deploy.md).
    # Not the manifest storage with hashed names: the system checks and every page would then
    # fail on a machine where `collectstatic` has not run yet.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Requests: a JSON body above 1 MiB is refused with 413 by the API (see api/parsers.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)

# Attachments (services/attachments.py): a message (a new case, a reply, a note) carries at most
# ATTACHMENTS_MAX_FILES files of at most ATTACHMENTS_MAX_SIZE bytes each; beyond, 413. The 1 MiB
# above does not count them (Django holds the fields of a multipart body to it, never its files),
# and a file over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB) waits in a temporary file, not in memory.
ATTACHMENTS_MAX_FILES = env_int("ATTACHMENTS_MAX_FILES", 10)
ATTACHMENTS_MAX_SIZE = env_int("ATTACHMENTS_MAX_SIZE", 10 * 1024 * 1024)
# The kinds of file accepted, by extension, each with the content type it is stored and served
# with: what a support conversation needs (screenshots and recordings, documents, logs, log
# bundles), nothing a browser or a desktop runs when opened (no .html, .js, .exe, .bat, .sh,
# macro-enabled Office files). The type the uploader's browser claims is not trusted, and a file
# whose first bytes are a program's (Windows, Linux or macOS) is refused whatever its name says.
ATTACHMENTS_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "heic": "image/heic",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "log": "text/plain",
    "csv": "text/csv",
    "md": "text/markdown",
    "json": "application/json",
    "xml": "application/xml",
    "eml": "message/rfc822",
    "rtf": "application/rtf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "zip": "application/zip",
    "gz": "application/gzip",
}

# Email
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# Seconds: an unresponsive mail server fails the attempt (retried with backoff) instead of
# holding a worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Helpdesk <helpdesk@localhost>")
# Password reset emails (services/accounts.py, sent through the outbox: notifications/
# account_emails.py): at most this many an hour to one address, and asked from one client
# address; more requests are answered as usual and send nothing. Their rows are kept a while.
PASSWORD_RESETS_PER_EMAIL = 3
PASSWORD_RESETS_PER_CLIENT = 10
PASSWORD_RESET_WINDOW = timedelta(hours=1)
ACCOUNT_EMAIL_RETENTION = timedelta(days=7)
# Where people reach the site: every email links to its case's page under it
# (notifications/links.py).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Email as a channel (docs/email.md). Replies reach a case by the Message-IDs of its emails
# (`In-Reply-To`/`References`) and the reference in brackets in the subject; with plus-addressing
# on, the reply address also carries a signed token naming the case and the person
# (`support+<token>@…`): turn it on only where the mail server delivers `local+anything@` to
# `local@` (Postfix's recipient_delimiter, Gmail, Microsoft 365).
EMAIL_PLUS_ADDRESSING = env_bool("EMAIL_PLUS_ADDRESSING", False)
# The domain of the Message-IDs the helpdesk writes; default: SITE_URL's host.
EMAIL_MESSAGE_ID_DOMAIN = env_str("EMAIL_MESSAGE_ID_DOMAIN", "")
# Messages larger than this are refused (kept, with a notice to the sender).
INBOUND_EMAIL_MAX_BYTES = env_int("INBOUND_EMAIL_MAX_BYTES", 25 * 1024 * 1024)
# At most this many automatic emails (Auto-Submitted: a timer's, or an answer to an incoming
# message) an hour to one address; more wait for the window, recorded on their rows.
AUTOMATIC_EMAILS_PER_HOUR = env_int("AUTOMATIC_EMAILS_PER_HOUR", 10)
# When a sweep finds a backlog (a full batch due: after an outage, a timer change, a mass
# auto-close's notices), it asks this many other worker processes to work through it alongside
# (notifications.tasks.ask_for_helpers): the workers' total concurrency minus one uses them all.
# 0: each sweep works alone.
SWEEP_HELPERS = env_int("SWEEP_HELPERS", 1)

# Celery: Redis when REDIS_URL is set, otherwise a filesystem broker that needs no server (its
# folders are created by helpdesk/celery.py).
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://localhost//")
# The cache holds what the web processes must share and may lose: who has a case open (the agent
# case page's presence) and the overview's minute. Redis (REDIS_URL, or CACHE_URL for another
# one) so that every process sees the same; a Redis outage only empties it
# (helpdesk/cache.py). Without Redis, each process's memory: enough for `make run`'s one process.
CACHE_URL = env_str("CACHE_URL", REDIS_URL)
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.ForgivingRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "helpdesk-cache",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, str | int]
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        # Exchange bindings and worker control; kombu's default is ./control in the cwd.
        "control_folder": str(VAR_DIR / "broker-control"),
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Without these a Redis host that drops packets or never answers holds a publish (on the
    # publishing thread of notifications.tasks, never a request) and the worker for the OS's TCP
    # timeout.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10}
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
# A web request never waits on the broker: it hands the publish to a background thread
# (notifications.tasks.enqueue), and the outbox keeps the message for the delivery sweep should
# the publish fail. Publishing makes one connection attempt (kombu's default is to retry with
# 2-second sleeps) and retries once at once, which is enough to reconnect after a broker restart,
# so an outage does not keep that thread busy. The worker and beat reconnect on their own
# (broker_connection_max_retries).
CELERY_BROKER_TRANSPORT_OPTIONS["max_retries"] = 0
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Deployments sharing one Redis (or a test's own worker) keep their messages apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
# The console email backend (development) prints in the worker: that is news, not a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
# No result backend, so beat has no results to expire (no `celery.backend_cleanup` entry).
CELERY_RESULT_EXPIRES = None
CELERY_TIMEZONE = TIME_ZONE
# A task's message is acknowledged when the task has run, not when a worker takes it, so a worker
# killed mid-task (or its pool process lost) leaves the message to be delivered again: every task
# is safe to run twice (the sweeps and deliveries claim their rows). One message at a time per
# pool process, so a long sweep never holds others reserved behind it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged message to another worker after this many seconds: longer than
# any task may run (the hard limit below), or a slow task would run twice at once.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env_int(
        "CELERY_VISIBILITY_TIMEOUT", 2 * CELERY_TASK_TIME_LIMIT
    )
# The worker logs through LOGGING below (JSON lines when asked), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Beat: the schedules live in the database (django-celery-beat), where managers edit them in the
# admin. With Redis, any number of beats may run: only the one holding a Redis lock sends, the
# others stand by and one takes over within BEAT_LOCK_TIMEOUT seconds of its death
# (helpdesk/beat.py). It writes each entry's last run after every send, so the one taking over
# knows what was sent. Without Redis (`make run`'s embedded beat), the plain database scheduler.
BEAT_LOCK_URL = env_str("BEAT_LOCK_URL", REDIS_URL)
BEAT_LOCK_TIMEOUT = env_int("BEAT_LOCK_TIMEOUT", 30)
BEAT_LOCK_KEY = f"helpdesk:beat-lock:{CELERY_TASK_DEFAULT_QUEUE}"
CELERY_BEAT_SCHEDULER = (
    "helpdesk.beat:LockedDatabaseScheduler"
    if BEAT_LOCK_URL
    else "django_celery_beat.schedulers:DatabaseScheduler"
)
CELERY_BEAT_SYNC_EVERY = 1
# The worker's own metrics (the sweeps') on this port, for Prometheus (helpdesk/worker_metrics.py);
# 0: none.
CELERY_METRICS_PORT = env_int("CELERY_METRICS_PORT", 0)

# API tokens (api/tokens.py): each sign-in at POST /api/auth/token/ gets a new one, stored as a
# hash and shown once; it expires this long after, and its owner may revoke it sooner. A user
# keeps at most API_TOKENS_PER_USER live tokens: a new one beyond revokes the oldest.
API_TOKEN_LIFETIME = timedelta(days=env_int("API_TOKEN_DAYS", 30))
API_TOKENS_PER_USER = env_int("API_TOKENS_PER_USER", 100)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "PAGE_SIZE": 25,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": "Support cases, their workflows, conversation and automations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs' JavaScript is served from here, not from a CDN: they work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
        "api.schema.declare_path_ids",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "api.serializers.fields.STATUS_CHOICES",
        "SubStatusEnum": "api.serializers.fields.SUB_STATUS_CHOICES",
        "TransitionNameEnum": "api.serializers.fields.TRANSITION_CHOICES",
        "RoleEnum": "api.serializers.fields.ROLE_CHOICES",
        "ActorRoleEnum": "api.serializers.fields.ACTOR_ROLE_CHOICES",
        "WorkflowKeyEnum": "api.serializers.fields.WORKFLOW_CHOICES",
        "PriorityEnum": "api.serializers.fields.PRIORITY_CHOICES",
        "ChannelEnum": "api.serializers.fields.CHANNEL_CHOICES",
        "MessageChannelEnum": "api.serializers.fields.MESSAGE_CHANNEL_CHOICES",
        "NotificationKindEnum": "api.serializers.fields.NOTIFICATION_KIND_CHOICES",
        "UpcomingActionEnum": "api.serializers.fields.UPCOMING_ACTION_CHOICES",
    },
}

# Logs go to standard error: lines of text, or with LOG_FORMAT=json one JSON object a line (for a
# log shipper). Every record written while a request is served carries its request id
# (helpdesk/request_id.py), "-" elsewhere.
LOG_FORMAT = env_choice("LOG_FORMAT", "text", ["text", "json"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "helpdesk.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's own handlers would print each request warning a second time.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
