# HireDesk production image: gunicorn (via `python app.py serve`), non-root, health-checked.
# Build:   docker build -t hiredesk .
# Migrate: docker run --rm --env-file .env hiredesk python app.py migrate   (a release step, once per deploy)
# Run:     docker run -p 3000:3000 --env-file .env hiredesk

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements.txt /tmp/requirements.txt
RUN python -m venv /venv && /venv/bin/pip install -r /tmp/requirements.txt

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 hiredesk && mkdir /data && chown hiredesk /data
COPY --from=build /venv /venv
WORKDIR /app
COPY app.py alembic.ini manifest.yml ./
COPY bot ./bot
COPY handlers ./handlers
COPY db ./db
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
CMD ["python", "app.py", "serve"]
