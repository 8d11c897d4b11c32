#!/usr/bin/env bash
# Tollgate's own load test: starts a Netty mock upstream, nginx as a plain proxy, and the gateway
# (full filter chain), then drives each with wrk in one interleaved run and prints a markdown table
# of throughput, latency percentiles and the latency each adds over calling the upstream directly.
#
#   bench/load.sh [--duration 10] [--rates "500 1000 2000"] [--conns 64] [--rounds 2] [--stream]
#                 [--config bench/bench.yaml | bench/bench-proxy.yaml]
#
# Needs: wrk and nginx (apt-get install wrk nginx), the built jars (./mvnw -q package -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
duration=10; rates="500 1000 2000"; conns=64; rounds=2; stream=0; warmup=10; config=bench/bench.yaml
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2;; --rates) rates="$2"; shift 2;; --conns) conns="$2"; shift 2;;
    --rounds) rounds="$2"; shift 2;; --warmup) warmup="$2"; shift 2;; --stream) stream=1; shift;;
    --config) config="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }
source bin/find-java
work=/tmp/tollgate-bench; mkdir -p "$work"; rm -f "$work"/gateway.db*
body="$root/gateway-bench/src/main/resources/request.json"
[ "$stream" = 1 ] && body="$root/gateway-bench/src/main/resources/request-stream.json"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; nginx -c "$root/bench/nginx-proxy.conf" -s stop 2>/dev/null || true; }
trap cleanup EXIT

java -Xmx256m -cp gateway-bench/target/benchmarks.jar io.tollgate.bench.MockUpstream --port 18080 >"$work/mock.log" 2>&1 &
pids+=($!)
nginx -c "$root/bench/nginx-proxy.conf"
start_ns=$(date +%s%N)
JAVA_OPTS="${JAVA_OPTS:-}" TOLLGATE_DATA="$work" bin/tollgate serve --config "$config" >"$work/gateway.log" 2>&1 &
gw_pid=$!; pids+=($gw_pid)
for i in $(seq 1 200); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer tg-bench-key' -H 'content-type: application/json' \
    --data-binary @"$body" http://127.0.0.1:18088/v1/chat/completions || true)
  [ "$code" = 200 ] && break; sleep 0.01
done
startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
[ "$code" = 200 ] || { echo "gateway did not answer 200 (got $code); see $work/gateway.log" >&2; exit 1; }

declare -A url auth
url[direct]=http://127.0.0.1:18080/v1/chat/completions;  auth[direct]=""
url[nginx]=http://127.0.0.1:18090/v1/chat/completions;   auth[nginx]=""
url[tollgate]=http://127.0.0.1:18088/v1/chat/completions; auth[tollgate]="tg-bench-key"
targets=(direct nginx tollgate)

run() { # target conns rate -> RESULT line
  BODY_FILE="$body" AUTH="${auth[$1]}" RATE="$3" CONNS="$2" THREADS=1 \
    wrk -t1 -c"$2" -d"${duration}s" --timeout 10s -s bench/post.lua "${url[$1]}" 2>&1 | grep '^RESULT' || echo "RESULT requests=0"
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

for t in "${targets[@]}"; do BODY_FILE="$body" AUTH="${auth[$t]}" wrk -t1 -c"$conns" -d"${warmup}s" -s bench/post.lua "${url[$t]}" >/dev/null 2>&1; done

results="$work/results.tsv"; : > "$results"
for round in $(seq 1 "$rounds"); do
  order=("${targets[@]}"); [ $((round % 2)) = 0 ] && order=(tollgate nginx direct)
  for mode in sat $rates; do
    for t in "${order[@]}"; do
      if [ "$mode" = sat ]; then line=$(run "$t" "$conns" 0); else line=$(run "$t" "$conns" "$mode"); fi
      echo -e "$round\t$mode\t$t\t$line" >> "$results"
    done
  done
done
rss_kb=$(awk '/VmRSS/{print $2}' /proc/$gw_pid/status)
kind=$([ "$stream" = 1 ] && echo "SSE (24 events)" || echo "JSON (816 B)")
echo "## Tollgate load test: $kind, ${conns} connections, ${duration}s x ${rounds} rounds, $(nproc) cores"
echo
echo "startup to first served request: ${startup_ms} ms; gateway RSS after the run: $((rss_kb / 1024)) MB"
echo
echo "| mode | target | req/s | p50 µs | p90 µs | p99 µs | p99.9 µs | +p50 µs | +p99 µs | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for mode in sat $rates; do
  declare -A p50 p99
  for t in "${targets[@]}"; do
    # median over rounds of each figure
    rows=$(awk -F'\t' -v m="$mode" -v t="$t" '$2==m && $3==t {print $4}' "$results")
    med() { echo "$rows" | while read -r l; do field "$l" "$1"; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    req=$(echo "$rows" | while read -r l; do r=$(field "$l" requests); d=$(field "$l" duration_us); echo $(( r * 1000000 / (d > 0 ? d : 1) )); done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    p50[$t]=$(med p50); p99[$t]=$(med p99)
    err=$(echo "$rows" | while read -r l; do echo $(( $(field "$l" errors) + $(field "$l" non2xx) )); done | paste -sd+ | bc)
    add50="-"; add99="-"
    if [ "$t" != direct ]; then add50=$(( p50[$t] - p50[direct] )); add99=$(( p99[$t] - p99[direct] )); fi
    echo "| $([ "$mode" = sat ] && echo saturation || echo "$mode req/s") | $t | $req | ${p50[$t]} | $(med p90) | ${p99[$t]} | $(med p999) | $add50 | $add99 | $err |"
  done
done
