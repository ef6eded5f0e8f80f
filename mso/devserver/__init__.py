"""Development runner: embedded PostgreSQL and Redis, plus the whole dev stack.

``python -m mso.devserver env -- CMD [ARGS...]``
    Run CMD with DATABASE_URL and REDIS_URL pointing at embedded servers (started when
    the variable is unset or empty; a set variable is used as it is and nothing starts).
    Returns CMD's exit code; stops the servers it started on the way out.

``python -m mso.devserver run [--port 8000]``
    The same services, then ``migrate_schemas``, ``practice_template_refresh``,
    ``seed_demo``, then web (runserver), a Celery worker and Celery beat together, with a
    banner of URLs once ``/healthz`` answers. Ctrl-C or SIGTERM stops everything.

Data lives in ``$MSO_DATA_DIR`` (default ``<repo>/.data``): PostgreSQL in ``pg/``, Redis
in ``redis/``. Concurrent invocations on one data directory share the running servers,
and the last one out stops them; see :mod:`mso.devserver.services`.

This package never imports Django: it only runs ``manage.py`` and Celery as subprocesses.
"""
