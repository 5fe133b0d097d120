# One image for web, worker and beat. Build: docker build -t stalking-hub .
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv PATH="/opt/venv/bin:$PATH"

RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 \
    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv \
 && useradd --system --create-home --home-dir /home/hub hub

WORKDIR /app
COPY pyproject.toml uv.lock ./
# Bytecode compiled once here: with PYTHONDONTWRITEBYTECODE every process would otherwise
# compile its imports again at start (about 1.5 s for each worker and each import command).
RUN uv sync --frozen --no-dev --no-install-project --compile-bytecode
COPY . .
RUN python -m compileall -q /app

# collectstatic needs settings but no secrets or database: build-time placeholders only.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build/build \
    python manage.py collectstatic --noinput

USER hub
EXPOSE 8000
CMD ["gunicorn", "stalking_hub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", \
     "--access-logfile", "-", "--no-control-socket"]
