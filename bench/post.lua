-- wrk script: POSTs BODY_FILE (env) with the given headers; optional fixed rate via RATE (req/s, total).
-- Prints latency percentiles in microseconds from done() as one parsable line.
local body_file = os.getenv("BODY_FILE") or "request.json"
local f = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = "Bearer " .. auth end

local rate = tonumber(os.getenv("RATE") or "0")
local threads = tonumber(os.getenv("THREADS") or "1")
local conns = tonumber(os.getenv("CONNS") or "1")
local next_slot = 0
local interval_ms = 0

function init(args)
  if rate > 0 then
    -- each connection paces itself: conns * (1000/interval) = rate per thread
    interval_ms = 1000.0 * conns / (rate / threads) / conns
  end
end

function delay()
  if rate <= 0 then return 0 end
  -- per-connection pacing: each connection sends one request every conns/rate seconds
  return 1000.0 * conns / (rate / threads)
end

function done(summary, latency, requests)
  local p = function(q) return latency:percentile(q) end
  io.write(string.format("RESULT requests=%d duration_us=%d p50=%d p90=%d p99=%d p999=%d max=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, p(50), p(90), p(99), p(99.9), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
