#!/usr/bin/env bash
# Say clearly whether PostgreSQL and Redis answer on their standard ports, and how to start them.
set -u
ok=0
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "PostgreSQL is not answering on 127.0.0.1:5432." >&2
  echo "  Start it with: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
  echo "  (or set DATABASE_URL to a reachable server)" >&2
  ok=1
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  echo "Redis is not answering on 127.0.0.1:6379." >&2
  echo "  Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no" >&2
  echo "  (or set REDIS_URL to a reachable server)" >&2
  ok=1
fi
exit $ok
