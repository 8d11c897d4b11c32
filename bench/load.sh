#!/usr/bin/env bash
# Tollgate's own load test: starts a Netty mock upstream, nginx as a plain proxy, and the gateway
# (full filter chain), then drives each with wrk in one interleaved run and prints a markdown table
# of throughput, latency percentiles and the latency each adds over calling the upstream directly.
#
#   bench/load.sh [--duration 10] [--rates "500 1000 2000"] [--conns 64] [--rounds 2] [--stream]
#                 [--config bench/bench.yaml | bench/bench-proxy.yaml | bench/bench-io-uring.yaml]
#   bench/load.sh --ttft [--trickle-ms 10] [--rates "100 200 500"] [--warmup 10]
#   bench/load.sh --baseline-jar /tmp/gateway-before.jar ...   # A/B: another build of the gateway side by side
#   bench/load.sh --baseline-opts "-XX:+UseTransparentHugePages" ...   # A/B: the same build with other JVM flags
#   bench/load.sh --baseline-config bench/other.yaml ...   # A/B: the same build with another config
#   bench/load.sh --no-pm-qos ...   # let idle CPUs halt during the run (see below)
#   bench/load.sh --tls ...   # clients reach nginx and the gateway over HTTPS (TLS 1.3, keep-alive)
#
# --ttft: streamed requests to an upstream that spaces its 24 SSE events --trickle-ms apart (a model
# generating tokens), at fixed rates, through StreamProbe, after --warmup seconds of each target at the
# highest rate: added time to first chunk and to the last.
# --baseline-jar: a second gateway from that jar (same config, port 18089) joins the run as target
# "baseline", so a change is measured against the build before it in the same interleaved rounds.
# --baseline-opts: the baseline gateway runs with these JAVA_OPTS instead of the measured one's (from
# --baseline-jar, or this build's jar without it), so a JVM flag is measured the same way.
# --baseline-config: the baseline gateway reads this config instead of --config's (port and ledger rewritten
# the same way), so a setting is measured the same way.
# --tls: nginx (port 18091) and the gateway terminate TLS with the same self-signed P-256 certificate;
# the upstream stays plain HTTP, as direct does. Connections are kept alive, so this measures each
# request's record encryption and decryption, not handshakes (one per connection, at the start).
# Also reports CPU time per request of each proxy at saturation (from /proc, user + system).
# While it measures, it holds /dev/cpu_dma_latency at 0 (as ../shared/bench does): idle CPUs then poll
# instead of halting. On a VM a halted vCPU is woken through the hypervisor, which can cost tens of µs
# to milliseconds per wake-up, the same order as what a proxy adds at fixed rates, and applies to every
# target alike. Needs root; without it the run goes on and its report says so.
#
# Needs: wrk and nginx (apt-get install wrk nginx), the built jars (./mvnw -q package -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
duration=10; rates=""; conns=64; rounds=2; stream=0; warmup=10; config=bench/bench.yaml; ttft=0; trickle=10; baseline=""; baseline_opts="${JAVA_OPTS:-}"; baseline_config=""; pm_qos=1; tls=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2;; --rates) rates="$2"; shift 2;; --conns) conns="$2"; shift 2;;
    --rounds) rounds="$2"; shift 2;; --warmup) warmup="$2"; shift 2;; --stream) stream=1; shift;;
    --config) config="$2"; shift 2;;
    --ttft) ttft=1; stream=1; shift;; --trickle-ms) trickle="$2"; shift 2;;
    --baseline-jar) baseline="$2"; shift 2;;
    --baseline-opts) baseline_opts="$2"; [ -n "$baseline" ] || baseline=gateway-server/target/gateway.jar; shift 2;;
    --baseline-config) baseline_config="$2"; [ -n "$baseline" ] || baseline=gateway-server/target/gateway.jar; shift 2;;
    --no-pm-qos) pm_qos=0; shift;; --tls) tls=1; shift;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[ -n "$rates" ] || rates=$([ "$ttft" = 1 ] && echo "100 200 500" || echo "500 1000 2000")
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ "$tls" = 1 ] && [ "$ttft" = 1 ] && { echo "--tls does not apply to --ttft (its probe trusts only public certificates)" >&2; exit 2; }
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }
source bin/find-java
work=/tmp/tollgate-bench; mkdir -p "$work"; rm -f "$work"/gateway.db*
body="$root/gateway-bench/src/main/resources/request.json"
[ "$stream" = 1 ] && body="$root/gateway-bench/src/main/resources/request-stream.json"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; nginx -c "$root/bench/nginx-proxy.conf" -s stop 2>/dev/null || true; rm -f "$work/nginx-tls.conf"; }
trap cleanup EXIT

mock_delay=0; [ "$ttft" = 1 ] && mock_delay="$trickle"
scheme=http; nginx_port=18090
rm -f "$work/nginx-tls.conf"   # bench/nginx-proxy.conf includes it: a TLS listener only for --tls (cleanup removes it too)
if [ "$tls" = 1 ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
    -keyout "$work/tls-key.pem" -out "$work/tls-cert.pem" 2>/dev/null
  sed "s#port: 18088#port: 18088, tls: { cert-file: $work/tls-cert.pem, key-file: $work/tls-key.pem }#" "$config" > "$work/tls.yaml"
  grep -q 'cert-file' "$work/tls.yaml" || { echo "--tls: cannot add server.tls to $config (expected 'port: 18088' in its server mapping)" >&2; exit 2; }
  config="$work/tls.yaml"; scheme=https; nginx_port=18091
  cat > "$work/nginx-tls.conf" <<EOF
server {
  listen 127.0.0.1:18091 ssl;
  ssl_certificate $work/tls-cert.pem;
  ssl_certificate_key $work/tls-key.pem;
  ssl_protocols TLSv1.3;
  include $root/bench/nginx-proxy-location.conf;
}
EOF
fi
java -Xmx256m -cp gateway-bench/target/benchmarks.jar io.tollgate.bench.MockUpstream --port 18080 --chunk-delay-ms "$mock_delay" >"$work/mock.log" 2>&1 &
mock_pid=$!; pids+=($mock_pid)
nginx -c "$root/bench/nginx-proxy.conf"
# The gateway's startup is timed on a machine that is not also starting the mock's JVM: wait for the
# mock to answer first (on 2 cores a JVM starting beside it doubled the measured startup).
for i in $(seq 1 500); do curl -s -o /dev/null -XPOST --data-binary @"$body" http://127.0.0.1:18080/v1/chat/completions && break; sleep 0.01; done
sleep 1
start_ns=$(date +%s%N)
JAVA_OPTS="${JAVA_OPTS:-}" TOLLGATE_DATA="$work" bin/tollgate serve --config "$config" >"$work/gateway.log" 2>&1 &
gw_pid=$!; pids+=($gw_pid)
for i in $(seq 1 200); do
  code=$(curl -sk -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer tg-bench-key' -H 'content-type: application/json' \
    --data-binary @"$body" "$scheme://127.0.0.1:18088/v1/chat/completions" || true)
  [ "$code" = 200 ] && break; sleep 0.01
done
startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
[ "$code" = 200 ] || { echo "gateway did not answer 200 (got $code); see $work/gateway.log" >&2; exit 1; }

declare -A url auth
url[direct]=http://127.0.0.1:18080/v1/chat/completions;  auth[direct]=""
url[nginx]=$scheme://127.0.0.1:$nginx_port/v1/chat/completions;   auth[nginx]=""
url[tollgate]=$scheme://127.0.0.1:18088/v1/chat/completions; auth[tollgate]="tg-bench-key"
targets=(direct nginx tollgate)

if [ -n "$baseline" ]; then
  # the same config on its own port and ledger, started after the measured gateway's startup
  mkdir -p "$work/baseline"; rm -f "$work/baseline"/gateway.db*
  sed "s/18088/18089/; s#/tmp/tollgate-bench/gateway.db#$work/baseline/gateway.db#" "${baseline_config:-$config}" > "$work/baseline.yaml"
  TOLLGATE_JAR="$baseline" JAVA_OPTS="$baseline_opts" TOLLGATE_DATA="$work/baseline" bin/tollgate serve --config "$work/baseline.yaml" \
    >"$work/baseline.log" 2>&1 &
  base_pid=$!; pids+=($base_pid)
  for i in $(seq 1 500); do
    curl -sk -o /dev/null -H 'Authorization: Bearer tg-bench-key' -H 'content-type: application/json' \
      --data-binary @"$body" "$scheme://127.0.0.1:18089/v1/chat/completions" && break; sleep 0.02
  done
  url[baseline]=$scheme://127.0.0.1:18089/v1/chat/completions; auth[baseline]="tg-bench-key"
  targets+=(baseline)
fi
reversed=(); for ((i = ${#targets[@]} - 1; i >= 0; i--)); do reversed+=("${targets[$i]}"); done

# CPU time (clock ticks, user + system) of the processes serving a target: the mock alone for direct,
# nginx's workers for nginx, the JVM for tollgate. Per request, it is what each proxy costs the machine.
declare -A procs
procs[direct]="$mock_pid"; procs[tollgate]="$gw_pid"; procs[baseline]="${base_pid:-}"
procs[nginx]="$(cat /tmp/tollgate-bench-nginx.pid) $(pgrep -P "$(cat /tmp/tollgate-bench-nginx.pid)" | tr '\n' ' ')"
ticks() { local sum=0; for p in $1; do sum=$(( sum + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo "$sum"; }
hz=$(getconf CLK_TCK)

run() { # target conns rate -> RESULT line (+ cpu_us=<CPU microseconds per request>)
  local before after line reqs
  before=$(ticks "${procs[$1]}")
  line=$(BODY_FILE="$body" AUTH="${auth[$1]}" RATE="$3" THREADS=1 \
    wrk -t1 -c"$2" -d"${duration}s" --timeout 10s -s bench/post.lua "${url[$1]}" 2>&1 | grep '^RESULT' || echo "RESULT requests=0")
  after=$(ticks "${procs[$1]}")
  reqs=$(field "$line" requests)
  echo "$line cpu_us=$(( (after - before) * 1000000 / hz / (reqs > 0 ? reqs : 1) ))"
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# Idle CPUs poll while the holder keeps the file open (the kernel's idle=poll, for this run only).
idle="idle CPUs halt (--no-pm-qos)"
if [ "$pm_qos" = 1 ]; then
  if [ -w /dev/cpu_dma_latency ]; then
    ( exec 3> /dev/cpu_dma_latency; printf '\0\0\0\0' >&3; exec sleep 86400 ) &
    pids+=($!); idle="idle CPUs poll (cpu_dma_latency 0 held during the run)"
  else
    idle="idle CPUs halt (/dev/cpu_dma_latency not writable: run as root for fixed-rate latencies)"
  fi
fi

if [ "$ttft" = 1 ]; then
  # streamed requests at fixed rates through StreamProbe, interleaved per round; medians over rounds
  probe() { java -cp gateway-bench/target/benchmarks.jar io.tollgate.bench.StreamProbe --url "${url[$1]}" --body "$body" \
              --auth "${auth[$1]}" --rate "$2" --duration "$duration" --warmup 3 | grep '^RESULT'; }
  results="$work/ttft.tsv"; : > "$results"
  # warm every target (the gateway's JIT) at the highest rate first: the probe's own 3 s are not enough
  top=$(echo $rates | tr ' ' '\n' | sort -n | tail -1)
  for t in "${targets[@]}"; do
    java -cp gateway-bench/target/benchmarks.jar io.tollgate.bench.StreamProbe --url "${url[$t]}" --body "$body" \
      --auth "${auth[$t]}" --rate "$top" --duration "$warmup" --warmup 1 >/dev/null 2>&1 || true
  done
  for round in $(seq 1 "$rounds"); do
    order=("${targets[@]}"); [ $((round % 2)) = 0 ] && order=("${reversed[@]}")
    for rate in $rates; do for t in "${order[@]}"; do echo -e "$rate\t$t\t$(probe "$t" "$rate")" >> "$results"; done; done
  done
  echo "## Tollgate streaming latency: 24 SSE events ${trickle} ms apart, ${duration}s x ${rounds} rounds, $(nproc) cores"
  echo
  echo "$idle"
  echo
  echo "| rate | target | first chunk p50 µs | p90 µs | p99 µs | +first p50 µs | +first p99 µs | last chunk p50 µs | +last p50 µs | errors |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for rate in $rates; do
    declare -A f50 f99 l50
    for t in "${targets[@]}"; do
      rows=$(awk -F'\t' -v r="$rate" -v t="$t" '$1==r && $2==t {print $3}' "$results")
      med() { echo "$rows" | while read -r l; do field "$l" "$1"; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
      f50[$t]=$(med ttft_p50); f99[$t]=$(med ttft_p99); l50[$t]=$(med last_p50)
      err=$(echo "$rows" | while read -r l; do field "$l" errors; done | paste -sd+ | bc)
      a50="-"; a99="-"; al="-"
      if [ "$t" != direct ]; then a50=$(( f50[$t] - f50[direct] )); a99=$(( f99[$t] - f99[direct] )); al=$(( l50[$t] - l50[direct] )); fi
      echo "| $rate req/s | $t | ${f50[$t]} | $(med ttft_p90) | ${f99[$t]} | $a50 | $a99 | ${l50[$t]} | $al | $err |"
    done
  done
  echo
  echo "startup to first served request: ${startup_ms} ms"
  exit 0
fi

# Warm-up: saturation for the JIT, then 3 s at each fixed rate. Code compiled under saturation meets branches it
# never took there (an event loop that blocks in epoll_wait, timers that fire, requests cancelled when wrk closes
# its connections) and is deoptimised and recompiled at the first slower run: without this pass, round 1's p99 at
# 1000 req/s was 4.3 ms against 0.3 ms in later rounds (docs/benchmarks-history.md, session 28).
for t in "${targets[@]}"; do
  BODY_FILE="$body" AUTH="${auth[$t]}" wrk -t1 -c"$conns" -d"${warmup}s" -s bench/post.lua "${url[$t]}" >/dev/null 2>&1
  for rate in $rates; do
    BODY_FILE="$body" AUTH="${auth[$t]}" RATE="$rate" wrk -t1 -c"$conns" -d3s -s bench/post.lua "${url[$t]}" >/dev/null 2>&1
  done
done

results="$work/results.tsv"; : > "$results"
for round in $(seq 1 "$rounds"); do
  order=("${targets[@]}"); [ $((round % 2)) = 0 ] && order=("${reversed[@]}")
  for mode in sat $rates; do
    for t in "${order[@]}"; do
      if [ "$mode" = sat ]; then line=$(run "$t" "$conns" 0); else line=$(run "$t" "$conns" "$mode"); fi
      echo -e "$round\t$mode\t$t\t$line" >> "$results"
    done
  done
done
rss_kb=$(awk '/VmRSS/{print $2}' /proc/$gw_pid/status)
kind=$([ "$stream" = 1 ] && echo "SSE (24 events)" || echo "JSON (816 B)")
[ "$tls" = 1 ] && kind="$kind over HTTPS (TLS 1.3) to nginx and the gateway"
echo "## Tollgate load test: $kind, ${conns} connections, ${duration}s x ${rounds} rounds, $(nproc) cores"
echo
echo "$idle"
echo
echo "startup to first served request: ${startup_ms} ms; gateway RSS after the run: $((rss_kb / 1024)) MB"
echo
echo "late %: fixed-rate requests sent more than 1 ms after their slot because every connection was busy (near 0: the rate held)."
echo
echo "| mode | target | req/s | p50 µs | p90 µs | p99 µs | p99.9 µs | +p50 µs | +p99 µs | CPU µs/req | late % | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
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
    late="-"; [ "$mode" = sat ] || late=$(echo "$rows" | while read -r l; do r=$(field "$l" requests); echo "$(field "$l" late) ${r:-0}"; done \
      | awk '{l += $1; n += $2} END {printf "%.1f", (n > 0 ? 100 * l / n : 0)}')
    echo "| $([ "$mode" = sat ] && echo saturation || echo "$mode req/s") | $t | $req | ${p50[$t]} | $(med p90) | ${p99[$t]} | $(med p999) | $add50 | $add99 | $(med cpu_us) | $late | $err |"
  done
done
# The medians above hide how far one round lands from the next (on 2 shared cores, tens of µs):
# each gateway's added p50 per round as a multiple of nginx's in the same round.
echo
echo "added p50 per round as a multiple of nginx's (same round):"
for rate in $rates; do
  for t in "${targets[@]}"; do
    [ "$t" = direct ] || [ "$t" = nginx ] && continue
    awk -F'\t' -v m="$rate" -v t="$t" '
      $2 == m { split($4, kv, " "); for (i in kv) if (kv[i] ~ /^p50=/) p[$1, $3] = substr(kv[i], 5); rounds[$1] = 1 }
      END {
        n = 0; for (r in rounds) n++
        line = ""; k = 0
        for (r = 1; r <= n; r++) {
          ng = p[r, "nginx"] - p[r, "direct"]
          if (ng > 0) { x = (p[r, t] - p[r, "direct"]) / ng; line = line sprintf(" %.2f", x); v[++k] = x } else line = line " -"
        }
        # the median round: robust to the one round a neighbour or a collection spoiled, and paired within a round
        for (i = 2; i <= k; i++) { y = v[i]; for (j = i - 1; j >= 1 && v[j] > y; j--) v[j + 1] = v[j]; v[j + 1] = y }
        med = k == 0 ? "-" : sprintf("%.2f", k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2)
        printf "- %s req/s, %s:%s (median round %s)\n", m, t, line, med
      }' "$results"
  done
done
