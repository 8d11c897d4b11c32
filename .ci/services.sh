#!/usr/bin/env bash
# Makes sure the services the integration tests use are up: Redis and PostgreSQL on loopback, and the
# npm client packages the SDK tests run. Starting them is idempotent.
set -uo pipefail
if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/redis-ci.log || true
fi
if command -v pg_ctlcluster >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
for i in $(seq 1 20); do
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && break
  sleep 0.5
done
# promtool (Debian's prometheus package) lints the /metrics output in OpsIT.
if ! command -v promtool >/dev/null && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null) || echo "could not install promtool" >&2
fi
if [ -f gateway-server/src/test/node/package.json ] && command -v npm >/dev/null; then
  (cd gateway-server/src/test/node && npm ci --no-audit --no-fund --loglevel=error) || echo "npm ci failed: the Node SDK tests will fail" >&2
fi
exit 0
