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

-- Fixed rate: each wrk thread keeps one schedule with a slot every THREADS/RATE seconds, and every
-- request, whichever connection sends it, takes the next free slot. Pacing each connection on its
-- own instead (send, wait for the answer, sleep CONNS/RATE) lets the connections fall into step:
-- all 64 fire together every 64 ms, and the latencies measure that burst queueing, not the proxy.
-- wrk's timers tick in milliseconds, so requests leave in bursts of at most 1 ms at the right
-- average rate. A request that leaves more than 1 ms after its slot (every connection was busy)
-- counts as late: a run with many late requests was saturated, and its latencies are understated.
local rate = tonumber(os.getenv("RATE") or "0")
local threads = tonumber(os.getenv("THREADS") or "1")
local interval_ns = rate > 0 and 1e9 * threads / rate or 0

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } post_timespec;
  int clock_gettime(int clk_id, post_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("post_timespec")
local function now_ns()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1e9 + tonumber(timespec.tv_nsec)
end

local next_slot_ns = nil
late = 0 -- global: done() reads it from each thread

function delay()
  if rate <= 0 then return 0 end
  local now = now_ns()
  local slot = next_slot_ns or now
  next_slot_ns = slot + interval_ns
  local wait_ns = slot - now
  if wait_ns < -1e6 then late = late + 1 end
  return wait_ns > 0 and math.floor(wait_ns / 1e6 + 0.5) or 0
end

local all_threads = {}
function setup(thread)
  table.insert(all_threads, thread)
end

function done(summary, latency, requests)
  local late_total = 0
  for _, t in ipairs(all_threads) do late_total = late_total + (t:get("late") or 0) end
  local p = function(q) return latency:percentile(q) end
  io.write(string.format("RESULT requests=%d duration_us=%d p50=%d p90=%d p99=%d p999=%d max=%d errors=%d non2xx=%d late=%d\n",
    summary.requests, summary.duration, p(50), p(90), p(99), p(99.9), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status,
    late_total))
end
