-- One request shape for a wrk run, taken from the environment so that one script serves every endpoint:
--   BENCH_METHOD (GET by default), BENCH_BODY (a JSON body, sent with Content-Type: application/json),
--   BENCH_AUTHORIZATION (the Authorization header's value) or BENCH_AUTHORIZATIONS (several, in turn).
-- At the end it prints one line `BENCH_RESULT {json}` that benchmarks/wrk.py parses: counts, errors and
-- latency percentiles in microseconds, so nothing depends on wrk's human-readable units.

local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local authorization = os.getenv("BENCH_AUTHORIZATION")

wrk.method = method
if body ~= nil and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
if authorization ~= nil and authorization ~= "" then
  wrk.headers["Authorization"] = authorization
end

-- BENCH_AUTHORIZATIONS (comma-separated): one Authorization value per request, taken in turn.
local rotation = os.getenv("BENCH_AUTHORIZATIONS")
if rotation ~= nil and rotation ~= "" then
  local prepared = {}
  for value in string.gmatch(rotation, "[^,]+") do
    wrk.headers["Authorization"] = value
    prepared[#prepared + 1] = wrk.format()
  end
  local turn = 0
  function request()
    turn = turn % #prepared + 1
    return prepared[turn]
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
