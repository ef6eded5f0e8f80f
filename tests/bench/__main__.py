"""`make bench`, or `python -m tests.bench [provisioning|remittances|fees ...]`: benchmarks,
each reported as a ratio against a baseline run in the same process. Runs in a throwaway
database next to DATABASE_URL's, dropped at the end."""

import os
import sys

from tests.bench.database import bench_database


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mso.settings.local")
    with bench_database():
        import django

        django.setup()
        from tests.bench import fees, provisioning, remittances

        benches = {"provisioning": provisioning, "remittances": remittances, "fees": fees}
        chosen = sys.argv[1:] or list(benches)
        for name in chosen:
            if name not in benches:
                print(f"unknown bench {name!r}; known: {', '.join(benches)}", file=sys.stderr)
                return 2
        from django.core.management import call_command

        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        for name in chosen:
            benches[name].run()
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
