"""Settings of the real Celery worker processes that tests/test_worker_kill.py starts and kills.

Small 837P files (3 claims each) so that a batch run writes many files and can be killed
between two of them. MSO_TEST_VISIBILITY_TIMEOUT lowers the Redis transport's visibility
timeout (production: one hour) so the replacement worker takes back the killed worker's
unacknowledged message within seconds instead of an hour."""

import os

from mso.settings.test import *  # noqa: F403

X12_MAX_CLAIMS_PER_FILE = 3

if os.environ.get("MSO_TEST_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": float(os.environ["MSO_TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
