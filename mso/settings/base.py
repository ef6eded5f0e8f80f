"""Settings shared by every run mode; local/test/production differ only by environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# The MSO portal is served on the base domain; each practice on <slug>.<base domain>.
MSO_BASE_DOMAIN = env("MSO_BASE_DOMAIN", default="localhost")
# Strict host list: the base domain and its sub-domains only. Unknown sub-domains
# pass ALLOWED_HOSTS but get 404 from the tenant middleware.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[MSO_BASE_DOMAIN, f".{MSO_BASE_DOMAIN}"])

SHARED_APPS = [
    "django_tenants",
    "mso.tenancy",
    "mso.accounts",
    "mso.audit",
    "mso.jobs",
    "mso.reference",
    "contracts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    # Lockout records live in the public schema: one count per user across every host.
    "axes",
]
TENANT_APPS = [
    "practices",
    "billing",
    "compliance",
    "hr",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenancy.Practice"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
PUBLIC_SCHEMA_URLCONF = "mso.urls_public"
ROOT_URLCONF = "mso.urls_tenant"
# Schema every new practice is cloned from (see mso/tenancy/provisioning.py).
PRACTICE_TEMPLATE_SCHEMA = "tpl_practice"
# Set search_path only when the schema changes (not before every query).
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    "mso.middleware.RequestIdMiddleware",
    "mso.tenancy.middleware.PracticeTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mso.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mso.accounts.middleware.PracticeSessionBindingMiddleware",
    "mso.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mso.accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a lockout raised during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

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
                "mso.context_processors.portal",
            ],
            # `mso` is the project package, not an app: register its template tags by name.
            "libraries": {"charts": "mso.templatetags.charts"},
        },
    },
]

WSGI_APPLICATION = "mso.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/mso"),
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Every key is prefixed with the current schema: practices never share entries.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="mso"),
    }
}

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out user before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mso.accounts.backends.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Host-only cookies: a session made on one practice's host is never sent to another.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Enforced server-side by mso.accounts.middleware.SessionLifetimeMiddleware (seconds).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=15 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=12 * 3600)
# The cookie never outlives the absolute lifetime either.
SESSION_COOKIE_AGE = min(SESSION_COOKIE_AGE, SESSION_ABSOLUTE_LIFETIME)
# Password step done, second factor pending: how long the half-signed-in state lasts.
MFA_PENDING_LIFETIME = env.int("MFA_PENDING_LIFETIME", default=5 * 60)
MFA_ISSUER = env("MFA_ISSUER", default="Meridian MSO")

# Lockout (django-axes): per user, and per client address + user, with a cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "username"]]
AXES_USERNAME_CALLABLE = "mso.accounts.lockout.credential_username"
AXES_LOCKOUT_CALLABLE = "mso.accounts.lockout.lockout_page"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# REMOTE_ADDR is the client (gunicorn behind one trusted proxy sets it; see production.py).
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Password reset mail. Development prints mail to the console; production sets SMTP.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Meridian MSO <no-reply@localhost>")
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# form-action also allows the practice hosts: "Open practice" on the portal is a form whose
# redirect lands on the practice's host (browsers apply form-action to redirects).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    f"form-action 'self' *.{MSO_BASE_DOMAIN}:*; object-src 'none'"
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mso.accounts.authentication.PracticeTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["mso.api.permissions.PolicyPermission"],
    "DEFAULT_PAGINATION_CLASS": "mso.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "mso.api.filters.StrictFilterBackend",
        "mso.api.filters.StrictOrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "mso.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "mso.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Bodies are JSON; a view that takes file uploads adds the multipart parser itself.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Meridian MSO API",
    "DESCRIPTION": (
        "REST API of the MSO platform. Practice endpoints are served on the practice host "
        "(`<slug>.<base domain>`) and authenticate with a practice-bound token "
        "(`Authorization: Token mso_...`) or a session. MSO endpoints are served on the base "
        'domain. Errors are `{"detail": ..., "errors": {field: [messages]}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "tenancy-template-check": {
        "task": "tenancy.practice_template_refresh",
        "schedule": 3600.0,
    },
    "practices-summary-refresh": {
        "task": "practices.practice_summary_refresh_all",
        "schedule": 900.0,
    },
    "audit-emergency-grants-expire": {
        "task": "audit.emergency_grants_close_expired",
        "schedule": 300.0,
    },
    "compliance-exclusion-screening-monthly": {
        "task": "compliance.exclusion_screen_all",
        "schedule": crontab(minute=0, hour=7, day_of_month=2),
    },
    "compliance-credential-alerts-daily": {
        "task": "compliance.credential_alerts_all",
        "schedule": crontab(minute=30, hour=6),
    },
    "compliance-breach-reminders-daily": {
        "task": "compliance.breach_reminders_all",
        "schedule": crontab(minute=40, hour=6),
    },
    "contracts-fee-run-monthly": {
        "task": "contracts.fee_run_monthly",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "mso.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# X12 trading partners: the MSO submits claims for every practice to one clearinghouse.
X12_SUBMITTER = {
    "name": env("X12_SUBMITTER_NAME", default="MERIDIAN MSO"),
    "id": env("X12_SUBMITTER_ID", default="MERIDIANMSO"),
    "contact_name": env("X12_SUBMITTER_CONTACT", default="BILLING OFFICE"),
    "contact_phone": env("X12_SUBMITTER_PHONE", default="5555550100"),
}
X12_RECEIVER = {
    "name": env("X12_RECEIVER_NAME", default="DEMO CLEARINGHOUSE"),
    "id": env("X12_RECEIVER_ID", default="DEMOCH"),
}
# ISA15: T while testing with the clearinghouse, P in production.
X12_USAGE_INDICATOR = env("X12_USAGE_INDICATOR", default="T")

# --- Field encryption at rest (mso/crypto; docs/security.md (encryption)) -------------------
# Keys never live in the database. MSO_FIELD_KEYS: comma-separated Fernet keys, newest
# first (older keys still decrypt until `manage.py rotate_field_keys` has run);
# MSO_FIELD_HASH_KEY: the HMAC key of lookup hashes. Or MSO_FIELD_KEYS_FILE: a JSON file
# {"keys": [...], "hash_key": "..."} (e.g. a mounted secret). No default here: local.py and
# test.py supply development keys, production.py refuses to start without them.
MSO_FIELD_KEYS = env.list("MSO_FIELD_KEYS", default=[])
MSO_FIELD_HASH_KEY = env("MSO_FIELD_HASH_KEY", default="")
MSO_FIELD_KEYS_FILE = env("MSO_FIELD_KEYS_FILE", default="")

MSO_MAX_UPLOAD_BYTES = env.int("MSO_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)  # X12 uploads
