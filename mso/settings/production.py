from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
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
