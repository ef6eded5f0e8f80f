from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
# __Host- cookies: Secure, Path=/ and no Domain attribute, so the browser keeps them to the
# exact host that set them (each practice host has its own). SESSION_COOKIE_DOMAIN and
# CSRF_COOKIE_DOMAIN stay None (base.py): a Domain attribute would make browsers drop them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Field encryption (mso/crypto) -------------------------------------------------------
# No development default in production: missing or malformed keys stop the process here.
from mso.crypto.keys import require_configured_keys  # noqa: E402

require_configured_keys(
    keys=MSO_FIELD_KEYS,  # noqa: F405
    hash_key=MSO_FIELD_HASH_KEY,  # noqa: F405
    key_file=MSO_FIELD_KEYS_FILE,  # noqa: F405
)
