"""Settings for finops-console, read from the environment.

Embedded default (no variables set): SQLite under var/ and a filesystem Celery
broker, so `make demo` needs no server. Production (FINOPS_ENV=production):
DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis), and a SECRET_KEY or
the process refuses to start.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONE, SELF

from console.database_url import parse_database_url, sqlite_database
from console.env import ConfigError, env, env_bool, env_decimal, env_float, env_int, env_list, env_str

# Lets generic Django classes (ModelAdmin[Model], QuerySet[Model]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FINOPS_VAR_DIR", str(BASE_DIR / "var")))

FINOPS_ENV = env_str("FINOPS_ENV", "development")
if FINOPS_ENV not in {"development", "test", "production"}:
    raise ConfigError("FINOPS_ENV must be development, test or production")
PRODUCTION = FINOPS_ENV == "production"

DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    # Django's debug pages show settings, SQL and tracebacks to whoever triggers an error.
    raise ConfigError("DEBUG must be off when FINOPS_ENV=production")


def _secret_key() -> str:
    configured = env("SECRET_KEY")
    if configured:
        return configured
    if PRODUCTION:
        raise ConfigError("SECRET_KEY (or SECRET_KEY_FILE) is required when FINOPS_ENV=production")
    # Outside production a random key is kept in var/ so sessions survive restarts
    # without shipping a known default key.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS is required when FINOPS_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # First: its createsuperuser, changepassword and axes_reset* commands replace Django's and
    # django-axes' own (the first app naming a command wins), so that they write audit rows.
    "console.access",
    # Django's admin, read-only for diagnosis: nothing is changed there (console/readonly_admin.py).
    "console.readonly_admin.ReadOnlyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "django_filters",
    "guardian",
    "axes",
    "auditlog",
    "console.audit",
    "console.sync",
    "console.mappings",
    "console.casework",
    "console.dashboard",
    "console.reconciliation",
    "console.ui",
    "console.sources",
    "console.operations",
]

MIDDLEWARE = [
    # First: probes and scrapes are answered before anything reads a session, checks the host,
    # redirects to https or guards the address (console/operations/middleware.py).
    "console.operations.middleware.OperationsEndpointsMiddleware",
    # Then every other request's one log line, timed over everything below it.
    "console.operations.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "console.request_guard.NulRefusalMiddleware",  # before anything reads the path or the query
    # Webhook deliveries go from here straight to their view: the browser's middleware below has
    # nothing to do for them (console/sources/middleware.py).
    "console.sources.middleware.WebhookShortcutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "console.access.session_idle.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "console.access.middleware.AccessMemoMiddleware",
    "console.access.time_zone.TimeZoneMiddleware",
    "console.ui.middleware.ReaderLocaleMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# guardian's anonymous user is not used: anonymous visitors see nothing.
ANONYMOUS_USER_NAME = None

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"
AUTH_USER_MODEL = "access.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Widgets and form layouts through Django's Jinja2 templates (console/widget_renderer.py).
FORM_RENDERER = "console.widget_renderer.WidgetRenderer"

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
                "console.access.context_processors.roles",
            ],
            # `{{ amount|money:currency }}` on every page without a {% load %}.
            "builtins": ["console.ui.templatetags.money"],
        },
    },
    # Only templates/jinja2/: the few templates a page renders many times over (the case list's
    # rows and filter bar), compiled once and autoescaped (console/jinja2_env.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "console.jinja2_env.environment", "autoescape": True},
    },
]

_database_url = env("DATABASE_URL")
if _database_url:
    DATABASES = {"default": parse_database_url(_database_url, base_dir=str(BASE_DIR))}
elif PRODUCTION:
    raise ConfigError("DATABASE_URL is required when FINOPS_ENV=production")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(str(VAR_DIR / "finops.sqlite3"))}

# The few statements run at every request (a webhook delivery's INSERT) are prepared on their
# connection (console/postgres/base.py). Off behind a pooler in transaction mode that does not
# carry prepared statements (PgBouncer before 1.21).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # "aaaaaaaaaaaa", "abcabcabcabc", "finopsfinops", "abcdefghijkl": long enough, guessed at once.
    {"NAME": "console.access.password_rules.RepetitivePasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles" if PRODUCTION else VAR_DIR / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production whitenoise serves straight from the finders: the demo needs no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "console.access.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "console.sync.api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "finops-console API",
    "DESCRIPTION": "Ingest finance events for posting into Odoo, and read their state.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Source systems (service tokens) and people read the schema; anonymous visitors do not.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "console.access.authentication.ServiceAccountTokenAuthentication",
        "console.access.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}

# --- Ingestion -------------------------------------------------------------
INGEST_MAX_BATCH = env_int("INGEST_MAX_BATCH", 1000)
INGEST_MAX_BODY_BYTES = env_int("INGEST_MAX_BODY_BYTES", 8 * 1024 * 1024)

# --- Webhooks (console/sources) --------------------------------------------
# A Shopify order of 250 lines is a few hundred kB; a Stripe event a few kB.
WEBHOOK_MAX_BODY_BYTES = env_int("WEBHOOK_MAX_BODY_BYTES", 2 * 1024 * 1024)
# A Stripe signature older than this is refused, however good (a replay).
WEBHOOK_STRIPE_TOLERANCE_SECONDS = env_int("WEBHOOK_STRIPE_TOLERANCE_SECONDS", 300)
if WEBHOOK_STRIPE_TOLERANCE_SECONDS <= 0:
    raise ConfigError("WEBHOOK_STRIPE_TOLERANCE_SECONDS must be positive: without it any old delivery replays")
# Deliveries stored this long ago and still not turned into events are sent to the workers again.
WEBHOOK_SWEEP_STALE_SECONDS = env_int("WEBHOOK_SWEEP_STALE_SECONDS", 60)
# Each web process remembers which source an endpoint's address names this long: a source's change
# (deactivated, its secret's variables) reaches its endpoint within it. 0: asked at every delivery.
WEBHOOK_ENDPOINT_CACHE_SECONDS = env_int("WEBHOOK_ENDPOINT_CACHE_SECONDS", 5)
# --- Statement and payroll files (console/sources) -------------------------
# A year of a busy account in camt.053 is a few MB; larger is refused before it is read.
STATEMENT_FILE_MAX_BYTES = env_int("STATEMENT_FILE_MAX_BYTES", 50 * 1024 * 1024)
# A pay run whose total is further than this share from the average of its source's last six
# runs opens a case for a second look (it still posts). A decimal, 0.25 for 25%.
PAYROLL_DEVIATION_SHARE = env_decimal("FINOPS_PAYROLL_DEVIATION_SHARE", "0.25")
if PAYROLL_DEVIATION_SHARE <= 0:
    raise ConfigError("FINOPS_PAYROLL_DEVIATION_SHARE must be above 0 (0.25 for 25%)")
DATA_UPLOAD_MAX_MEMORY_SIZE = max(INGEST_MAX_BODY_BYTES, WEBHOOK_MAX_BODY_BYTES) + 1024

# --- Posting ---------------------------------------------------------------
# Odoo creates and posts 20 to 50 invoices per call far faster than one by one.
POSTING_BATCH_SIZE = env_int("POSTING_BATCH_SIZE", 50)
POSTING_MAX_ATTEMPTS = env_int("POSTING_MAX_ATTEMPTS", 10)
POSTING_BACKOFF_BASE_SECONDS = env_float("POSTING_BACKOFF_BASE_SECONDS", 2.0)
POSTING_BACKOFF_MAX_SECONDS = env_float("POSTING_BACKOFF_MAX_SECONDS", 300.0)
# A worker's claim on an event expires after this long without renewal; the
# sweeper then hands the event to another worker (the first was killed).
POSTING_LEASE_SECONDS = env_int("POSTING_LEASE_SECONDS", 300)
# Events still queued this long after acceptance are re-sent to the broker.
SWEEP_STALE_QUEUED_SECONDS = env_int("SWEEP_STALE_QUEUED_SECONDS", 60)
SWEEP_INTERVAL_SECONDS = env_float("SWEEP_INTERVAL_SECONDS", 15.0)

# --- Exception workbench ---------------------------------------------------
# Hours a case may stay open, by severity, before it is escalated.
CASE_SLA_HOURS = {
    "critical": env_int("CASE_SLA_HOURS_CRITICAL", 4),
    "high": env_int("CASE_SLA_HOURS_HIGH", 24),
    "medium": env_int("CASE_SLA_HOURS_MEDIUM", 72),
    "low": env_int("CASE_SLA_HOURS_LOW", 168),
}

# A vendor bill with another's vendor, reference and amount within this many days is held as a suspected duplicate.
DUPLICATE_WINDOW_DAYS = env_int("DUPLICATE_WINDOW_DAYS", 90)

# SLA escalations go out by mail: SMTP in production, files under var/mail otherwise.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "finops-console@localhost")
if env_str("EMAIL_HOST", ""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST", "")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = True
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# --- Odoo ------------------------------------------------------------------
ODOO_URL = env_str("ODOO_URL", "http://127.0.0.1:8069")
ODOO_DB = env_str("ODOO_DB", "sandbox")
ODOO_LOGIN = env_str("ODOO_LOGIN", "admin")
# The password (or an API key) for XML-RPC; the API key for JSON-2 (Odoo 19+).
ODOO_PASSWORD = env_str("ODOO_PASSWORD", "" if PRODUCTION else "admin")
ODOO_TIMEOUT_SECONDS = env_float("ODOO_TIMEOUT_SECONDS", 60.0)
ODOO_PROTOCOL = env_str("ODOO_PROTOCOL", "xmlrpc")
if ODOO_PROTOCOL not in {"xmlrpc", "json2"}:
    raise ConfigError("ODOO_PROTOCOL must be xmlrpc (Odoo 17, 18) or json2 (Odoo 19+)")

# --- Celery ----------------------------------------------------------------
# A queue per purpose: a person's bulk run and the periodic tasks (sweeper,
# escalations, audit verification) never wait behind posting messages. A plain
# `celery -A console worker` consumes every queue; the demo runs one worker on
# `posting` and one on `webhooks,bulk,default` with the beat (scripts/demo.sh).
CELERY_TASK_QUEUES = {
    name: {"exchange": name, "routing_key": name} for name in ("posting", "webhooks", "bulk", "default")
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_DEFAULT_EXCHANGE = "default"
CELERY_TASK_DEFAULT_ROUTING_KEY = "default"
CELERY_TASK_ROUTES = {
    "sync.post_events": {"queue": "posting"},
    "sync.post_event": {"queue": "posting"},
    "casework.bulk_run": {"queue": "bulk"},
    # A person waits on it, and it is one Odoo call like a posting.
    "casework.receipt_match": {"queue": "posting"},
    # Turning a stored webhook delivery into events: quick, and never behind a posting batch.
    "sources.process_delivery": {"queue": "webhooks"},
}
# How many workers may post one entity and kind side by side when it has more than a
# batch waiting (console/sync/services/post_message.py).
POSTING_PARALLEL_PER_GROUP = env_int("POSTING_PARALLEL_PER_GROUP", 2)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    from console import broker

    # kombu's filesystem transport, writing and taking whole messages only (console/broker.py).
    CELERY_BROKER_TRANSPORT = broker.TRANSPORT
    CELERY_BROKER_TRANSPORT_OPTIONS = broker.transport_options(
        VAR_DIR / "broker", polling_seconds=env_float("FILESYSTEM_BROKER_POLLING_SECONDS", 0.1)
    )
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": POSTING_LEASE_SECONDS * 2}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
HEARTBEAT_INTERVAL_SECONDS = env_float("HEARTBEAT_INTERVAL_SECONDS", 30.0)
# When the beat reconciles the previous UTC day (README "Reconciliation"): late enough for the
# day's stragglers to have posted, early enough for finance's morning.
RECONCILE_HOUR_UTC = env_int("FINOPS_RECONCILE_HOUR_UTC", 3)
RECONCILE_MINUTE_UTC = env_int("FINOPS_RECONCILE_MINUTE_UTC", 15)
if not (0 <= RECONCILE_HOUR_UTC <= 23 and 0 <= RECONCILE_MINUTE_UTC <= 59):
    raise ConfigError("FINOPS_RECONCILE_HOUR_UTC must be 0-23 and FINOPS_RECONCILE_MINUTE_UTC 0-59")
CELERY_BEAT_SCHEDULE = {
    "sweep-posting": {"task": "sync.sweep_posting", "schedule": SWEEP_INTERVAL_SECONDS},
    "sweep-webhook-deliveries": {"task": "sources.sweep_deliveries", "schedule": SWEEP_INTERVAL_SECONDS},
    "verify-audit-chain": {
        "task": "audit.verify_chain",
        "schedule": env_float("AUDIT_VERIFY_INTERVAL_SECONDS", 3600.0),
    },
    "sweep-receipt-matches": {"task": "casework.sweep_receipt_matches", "schedule": SWEEP_INTERVAL_SECONDS},
    "escalate-cases": {"task": "casework.escalate", "schedule": env_float("CASE_ESCALATE_INTERVAL_SECONDS", 300.0)},
    "fold-case-tallies": {
        "task": "casework.fold_tallies",
        "schedule": env_float("CASE_TALLY_FOLD_INTERVAL_SECONDS", 300.0),
    },
    # Every legal entity's active flows reconciled for the previous UTC day, once a night.
    "reconcile-previous-day": {
        "task": "reconciliation.reconcile_previous_day",
        "schedule": crontab(hour=RECONCILE_HOUR_UTC, minute=RECONCILE_MINUTE_UTC),
        "options": {"expires": 12 * 3600},
    },
    "apply-mapping-changes": {
        "task": "mappings.apply_due",
        "schedule": env_float("MAPPING_APPLY_INTERVAL_SECONDS", 60.0),
    },
    # Cross-source matching (console/reconciliation): every entity's rules, hourly by default.
    "match-cross-source": {
        "task": "reconciliation.match_all",
        "schedule": env_float("MATCHING_INTERVAL_SECONDS", 3600.0),
    },
    # Readiness and the metrics read how old the beat's and the workers' heartbeats are; a
    # heartbeat no worker took in time is dropped, not run a hundred times when one returns.
    "heartbeat": {
        "task": "ops.heartbeat",
        "schedule": HEARTBEAT_INTERVAL_SECONDS,
        "options": {"expires": HEARTBEAT_INTERVAL_SECONDS * 2},
    },
}
# How far back the matcher judges events (days): an older one unmatched keeps its case.
MATCHING_LOOKBACK_DAYS = env_int("FINOPS_MATCHING_LOOKBACK_DAYS", 62)
if MATCHING_LOOKBACK_DAYS < 1:
    raise ConfigError("FINOPS_MATCHING_LOOKBACK_DAYS must be 1 or more")
AUDIT_DIGEST_DIR = Path(env_str("AUDIT_DIGEST_DIR", str(VAR_DIR / "audit-digests")))

# --- Retention (README "Retention") -----------------------------------------
# archive_events takes posted events whose posting is older than this (a year's close and its
# audit, with room), and webhook deliveries that are done with older than the second.
RETENTION_EVENTS_DAYS = env_int("FINOPS_RETENTION_EVENTS_DAYS", 400)
RETENTION_DELIVERIES_DAYS = env_int("FINOPS_RETENTION_DELIVERIES_DAYS", 90)
if RETENTION_EVENTS_DAYS < 1 or RETENTION_DELIVERIES_DAYS < 1:
    raise ConfigError("FINOPS_RETENTION_EVENTS_DAYS and FINOPS_RETENTION_DELIVERIES_DAYS must be 1 or more")
ARCHIVE_DIR = Path(env_str("FINOPS_ARCHIVE_DIR", str(VAR_DIR / "archive")))
# Hours between archive runs of the beat; 0 (the default): only the command archives.
RETENTION_SCHEDULE_HOURS = env_float("FINOPS_RETENTION_SCHEDULE_HOURS", 0.0)
if RETENTION_SCHEDULE_HOURS > 0:
    CELERY_BEAT_SCHEDULE["archive-events"] = {
        "task": "sync.archive_events",
        "schedule": RETENTION_SCHEDULE_HOURS * 3600,
        "options": {"expires": RETENTION_SCHEDULE_HOURS * 3600},
    }
    CELERY_BEAT_SCHEDULE["archive-webhook-deliveries"] = {
        "task": "sources.archive_deliveries",
        "schedule": RETENTION_SCHEDULE_HOURS * 3600,
        "options": {"expires": RETENTION_SCHEDULE_HOURS * 3600},
    }

# --- Operating it: health, metrics, logs (console/operations) ---------------
# /health/ready says "fail" for the beat or the workers when their heartbeat is older than this.
HEALTH_HEARTBEAT_STALE_SECONDS = env_float("HEALTH_HEARTBEAT_STALE_SECONDS", HEARTBEAT_INTERVAL_SECONDS * 4)
# Each Odoo connection's reachability (a version call) is asked at most this often per process,
# and waits this long for an answer: a storm of probes never becomes a storm of Odoo calls.
HEALTH_ODOO_CACHE_SECONDS = env_float("HEALTH_ODOO_CACHE_SECONDS", 10.0)
HEALTH_ODOO_TIMEOUT_SECONDS = env_float("HEALTH_ODOO_TIMEOUT_SECONDS", 2.0)
# The database readiness checks (an alias of DATABASES).
HEALTH_DATABASE_ALIAS = "default"
# Checks /health/ready reports but does not fail for: with only these failing it answers 200
# "degraded". A web process serves pages and stores events and webhooks without a worker, the
# beat or an Odoo, and taking every web process out of the load balancer would not bring them
# back; it cannot without the database or the broker it hands work to. `none`: every check fails it.
HEALTH_CHECKS_MAY_BE_OPTIONAL = ("broker", "worker", "beat", "odoo")
_health_optional = env_list("HEALTH_OPTIONAL_CHECKS", ["worker", "beat", "odoo"])
HEALTH_OPTIONAL_CHECKS = frozenset() if _health_optional == ["none"] else frozenset(_health_optional)
if not HEALTH_OPTIONAL_CHECKS <= set(HEALTH_CHECKS_MAY_BE_OPTIONAL):
    raise ConfigError(
        "HEALTH_OPTIONAL_CHECKS must be none or a list of "
        f"{', '.join(HEALTH_CHECKS_MAY_BE_OPTIONAL)} (the database is always required), "
        f"got {', '.join(sorted(HEALTH_OPTIONAL_CHECKS))}"
    )
# /metrics: refused without `Authorization: Bearer <METRICS_TOKEN>` when a token is set, and from
# addresses outside METRICS_ALLOWED_NETWORKS when networks are set; with neither it is not served.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", [])
# The histograms of posting latency and of Odoo batches cover the posts of this last while.
METRICS_HISTOGRAM_WINDOW_SECONDS = env_int("METRICS_HISTOGRAM_WINDOW_SECONDS", 3600)

# text (default): the plain lines below. json: one JSON object per line, with a line per request
# (console.requests) and per Celery task (console.tasks), each with its correlation id.
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ConfigError("LOG_FORMAT must be text or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "console.json_logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain" if LOG_FORMAT == "text" else "json"}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # axes logs every check at INFO; lockouts come at WARNING.
        "axes": {"level": "WARNING"},
        # The request and task lines are written in JSON only: the text default stays as it was
        # (the web server's own access log, Celery's own task lines).
        "console.requests": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
        "console.tasks": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# --- Client address, login throttling (django-axes) and Content-Security-Policy ---
# Reverse proxies in front of the console, each appending to X-Forwarded-For: the client is
# that many entries from the right. 0: no proxy, the header is ignored (anyone can write it).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ConfigError("TRUSTED_PROXY_COUNT must be 0 or more")
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_CLIENT_IP_CALLABLE = "console.access.login_audit.client_ip"
# Per username from one address, and per address over every username (console/access/login_throttle.py).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "console.access.login_throttle.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# A success forgets that username's failures from that address only (login_throttle.py).
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
# The idle timeout moves forward at most once a minute, not with a write on every request
# (console/access/session_idle.py).
SESSION_IDLE_RESOLUTION_SECONDS = env_int("SESSION_IDLE_RESOLUTION_SECONDS", 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
