#!/usr/bin/env bash
# Makes, at image build time, the class-data archive (on JDK 25+ an AOT cache) that a gateway's first
# start would otherwise record, ~2 s slower, and its first stop write, ~7 s slower (docs/operations.md,
# "Start-up"): starts bin/tollgate on a throw-away config with the in-process mock provider, serves a
# few calls so the request path's classes are loaded, stops it with SIGTERM (the JVM writes the archive
# at exit) and leaves the archive in $1 for bin/tollgate to copy into TOLLGATE_DATA (set
# TOLLGATE_CDS_SEED=$1). Runs once per collector bin/tollgate may choose: the
# archive only matches the JVM flags it was made with.
#   docker/train-cds.sh /app/cds
set -euo pipefail
out="${1:?usage: train-cds.sh OUTPUT_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tollgate="${TOLLGATE_BIN:-$here/../bin/tollgate}"
port="${TRAIN_PORT:-18099}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cat > "$work/train.yaml" <<EOF
server: { port: $port }
auth: { mode: open }
providers:
  mock: { type: mock }
  # the gateway itself as an OpenAI upstream: loads the HTTP client side (transport, codec, adapter) too
  self: { type: openai, base-url: "http://127.0.0.1:$port/v1", api-key: "unused" }
models:
  train: { targets: [ { provider: mock, model: mock-1 } ] }
  over-http: { targets: [ { provider: self, model: train } ] }
state: { ledger: "sqlite:$work/train.db" }
EOF

# One HTTP/1.0 exchange over bash's /dev/tcp (the runtime image has no curl); prints the status line.
call() {
  local method="$1" path="$2" body="${3:-}"
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s %s HTTP/1.0\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s' \
    "$method" "$path" "${#body}" "$body" >&3
  head -n 1 <&3
  exec 3>&-
}

runs=0
train() {
  # each run in its own data directory: bin/tollgate deletes archives made for other flags
  runs=$((runs + 1))
  local data="$work/data-$runs"
  TOLLGATE_DATA="$data" "$@" "$tollgate" serve --config "$work/train.yaml" > "$work/log" 2>&1 &
  local pid=$!
  trap 'kill -TERM $pid 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 100); do
    call GET /health/ready 2>/dev/null | grep -q ' 200' && break
    sleep 0.1
  done
  for _ in 1 2 3; do
    for model in train over-http; do
      call POST /v1/chat/completions '{"model":"'$model'","messages":[{"role":"user","content":"hello"}]}' | grep -q ' 200'
      call POST /v1/chat/completions '{"model":"'$model'","stream":true,"messages":[{"role":"user","content":"hello"}]}' | grep -q ' 200'
    done
    call POST /v1/messages '{"model":"train","max_tokens":16,"messages":[{"role":"user","content":"hello"}]}' | grep -q ' 200'
    call POST /v1/chat/completions '{"model":"nope"}' > /dev/null
    call GET /metrics | grep -q ' 200'
  done
  kill -TERM "$pid"
  wait "$pid" || true
  trap 'rm -rf "$work"' EXIT
  cp "$data"/tollgate-cds-* "$out"/
}

train                      # the collector for this machine's CPU count
if [ "$(nproc)" -gt 2 ]; then
  train taskset -c 0       # and SerialGC's, which bin/tollgate picks on 1-2 CPUs
fi
ls "$out"/tollgate-cds-*
