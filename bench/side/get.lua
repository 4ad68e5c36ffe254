-- GET /Users?filter=userName eq "<existing>" (Okta's pre-check); an answer without
-- "totalResults":1 counts as an error. The requests are formatted once, in init (at most 20,000
-- per thread, of users picked at random): formatting each one in Lua as it is sent cost wrk
-- about 0.020 ms of CPU per request (bench/README.md, eighth round), CPU the server's rate
-- competes for on the same two cores, and the floor's client does not spend.
package.path = os.getenv("BENCH_SIDE") .. "/?.lua;" .. package.path
local c = require("common")
setup = c.setup
local requests = {}
wrong = 0
function init(args)
  local emails = c.lines(os.getenv("EMAILS_FILE"))
  for k = 1, math.min(#emails, 20000) do
    local e = emails[math.random(1, #emails)]:gsub("@", "%%40")
    requests[k] = wrk.format("GET", c.base .. "/Users?filter=userName%20eq%20%22" .. e .. "%22&startIndex=1&count=100", c.headers)
  end
end
function request()
  return requests[math.random(1, #requests)]
end
function response(status, headers, body)
  if status == 200 and not body:find('"totalResults":1,', 1, true) then wrong = wrong + 1 end
end
done = c.done(os.getenv("RESULT_NAME") or "lanyard_get")
