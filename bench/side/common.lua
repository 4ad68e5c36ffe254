-- Shared by the wrk scripts of bench/side/run: the SCIM base path, the token (from the
-- environment, never the command line), per-thread numbering and the RESULT line.
local M = {}
M.base = os.getenv("SCIM_PATH")           -- /scim/v2/<org id>
M.token = os.getenv("SCIM_TOKEN")
M.run = os.getenv("RUN_ID") or "r"
M.headers = {["Authorization"] = "Bearer " .. (M.token or ""), ["Content-Type"] = "application/scim+json",
             ["Accept"] = "application/scim+json"}

local threads = {}
local counter = 0
function M.setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function M.lines(path)
  local t = {}
  for line in io.lines(path) do if #line > 0 then table.insert(t, line) end end
  return t
end

-- This wrk thread's share of the ids in IDS_FILE: all of them, the index of its first, and how many
-- are its own (the file split evenly between WRK_THREADS threads, as patch.lua and sync.lua sweep it).
function M.share()
  local all = M.lines(os.getenv("IDS_FILE"))
  local n = tonumber(os.getenv("WRK_THREADS") or "2")
  local share = math.floor(#all / n)
  return all, thread_index * share, share
end

-- RESULT <name> <requests> <seconds> <per second> <p50 ms> <p99 ms> <errors>
function M.done(name)
  return function(summary, latency, requests)
    local secs = summary.duration / 1e6
    local errors = summary.errors.status + summary.errors.connect + summary.errors.read
        + summary.errors.write + summary.errors.timeout
    local wrong = 0
    for _, t in ipairs(threads) do wrong = wrong + (tonumber(t:get("wrong")) or 0) end
    io.write(string.format("RESULT %s %d %.1f %.1f %.2f %.2f %d\n", name, summary.requests, secs,
      summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors + wrong))
    -- The tail in more detail, for the log (bench/side/run reads the RESULT line only).
    io.stderr:write(string.format("LATENCY %s ms: p90 %.2f, p99 %.2f, p99.9 %.2f, max %.2f\n", name,
      latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
  end
end
return M
