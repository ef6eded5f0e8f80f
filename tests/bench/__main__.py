"""`make bench`: benchmarks, each reported as a ratio against a baseline run in the same
process. Runs in a throwaway database next to DATABASE_URL's, dropped at the end."""

import os
import sys

from tests.bench.database import bench_database


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mso.settings.local")
    with bench_database():
        import django

        django.setup()
        from tests.bench import fees, provisioning, remittances

        provisioning.run()
        print()
        remittances.run()
        print()
        fees.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
