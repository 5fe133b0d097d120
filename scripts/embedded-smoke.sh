#!/usr/bin/env bash
# CI's embedded job (`make embedded-check`): proves the no-local-services path still works. Run
# inside `services.py exec` with HUB_EMBEDDED_SERVICES=always, which has started an embedded
# PostgreSQL and Valkey and exported DATABASE_URL/REDIS_URL. Migrates, loads the demo, checks
# /health/ answers 200 with a Celery worker connected, then runs a handful of tests that lean on
# what the embedded servers must provide (pg_trgm, btree_gist, unaccent, history triggers, the
# broker). The machine's real PostgreSQL stays the gate for the full suite.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?run me through scripts/services.py exec}" "${REDIS_URL:?}"
PY=.venv/bin/python

DEBUG=true $PY manage.py migrate --noinput -v 0
DEBUG=true $PY manage.py seed_demo

port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DEBUG=true .venv/bin/celery -A stalking_hub worker --loglevel=WARNING --concurrency=1 --hostname="embedded-check@%h" &
worker=$!
DEBUG=true HUB_HEALTH_WORKER_CACHE_SECONDS=0 .venv/bin/gunicorn stalking_hub.wsgi:application --bind "127.0.0.1:${port}" --workers 1 \
  --no-control-socket --log-level warning &
web=$!
trap 'kill "$web" "$worker" 2>/dev/null || true; wait "$web" "$worker" 2>/dev/null || true' EXIT

healthy=""
for _ in $(seq 1 60); do
  if body=$($PY - "$port" <<'PY' 2>/dev/null
import json, sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health/", timeout=5) as response:
    body = json.load(response)
    ok = response.status == 200 and body["celery_workers"] >= 1
print(json.dumps(body))
sys.exit(0 if ok else 1)
PY
  ); then healthy=$body; break; fi
  sleep 1
done
if [ -z "$healthy" ]; then echo "embedded check: /health/ never answered 200 with a worker" >&2; exit 1; fi
echo "embedded check: /health/ 200 ${healthy}"

.venv/bin/pytest -q -p no:xdist tests/test_health.py tests/accounts/test_login.py \
  tests/cases/test_people.py tests/outbox/test_outbox.py tests/test_seed_demo.py
