# HireDesk production image: gunicorn (via `python app.py serve`), non-root, health-checked.
# Build:  docker build -t hiredesk .
# With PostgreSQL, replicas and the reverse proxy: `docker compose up` (docs/operations.md).
# On its own, with the embedded SQLite database on a named volume (kept across containers;
# the entrypoint migrates it before serving):
#         docker run -p 3000:3000 -v hiredesk-data:/data --env-file .env hiredesk

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements.txt /tmp/requirements.txt
# The lock pins every package with its hashes: nothing else, and nothing altered, gets in.
RUN python -m venv /venv && /venv/bin/pip install --require-hashes --no-deps -r /tmp/requirements.txt

FROM ${PYTHON_IMAGE}
RUN useradd --create-home --uid 10001 hiredesk && mkdir /data && chown hiredesk /data
COPY --from=build /venv /venv
WORKDIR /app
COPY app.py alembic.ini manifest.yml ./
COPY bot ./bot
COPY fakeslack ./fakeslack
COPY handlers ./handlers
COPY db ./db
COPY deploy/docker-entrypoint.sh /usr/local/bin/hiredesk-entrypoint
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=3000 \
    DATABASE_URL=sqlite:////data/hiredesk.db
VOLUME /data
USER hiredesk
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"
ENTRYPOINT ["hiredesk-entrypoint"]
CMD ["python", "app.py", "serve"]
