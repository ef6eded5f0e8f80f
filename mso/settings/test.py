from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".data" / "test-media"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL", default="redis://127.0.0.1:6379/0"),
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": "mso-test",
    }
}
ALLOWED_HOSTS = ["localhost", ".localhost", "testserver"]
# Tests use their own queue so that a developer's running worker never takes their tasks.
CELERY_TASK_DEFAULT_QUEUE = "mso-test"
# Threads in tests (live server, Celery worker) must not keep connections that would stop
# the test database from being dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# --- Field encryption (mso/crypto) -------------------------------------------------------
# Tests only: fixed keys derived from labels, so runs are reproducible.
from mso.crypto.keys import derived_test_key  # noqa: E402

MSO_FIELD_KEYS = [derived_test_key("field-key-1")]
MSO_FIELD_HASH_KEY = derived_test_key("hash-key")
MSO_FIELD_KEYS_FILE = ""
