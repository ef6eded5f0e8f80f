from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# --- Field encryption (mso/crypto) -------------------------------------------------------
# Development only: without configured keys, a random key file is made once under .data/.
if not (MSO_FIELD_KEYS or MSO_FIELD_KEYS_FILE):  # noqa: F405
    from mso.crypto.keys import ensure_dev_key_file

    MSO_FIELD_KEYS_FILE = ensure_dev_key_file(BASE_DIR / ".data" / "field-keys.json")  # noqa: F405
