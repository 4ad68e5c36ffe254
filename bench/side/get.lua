-- GET /Users?filter=userName eq "<existing>" (Okta's pre-check); an answer without
-- "totalResults":1 counts as an error.
package.path = os.getenv("BENCH_SIDE") .. "/?.lua;" .. package.path
local c = require("common")
setup = c.setup
local emails
wrong = 0
function init(args) emails = c.lines(os.getenv("EMAILS_FILE")) end
function request()
  local e = emails[math.random(1, #emails)]:gsub("@", "%%40")
  return wrk.format("GET", c.base .. "/Users?filter=userName%20eq%20%22" .. e .. "%22&startIndex=1&count=100", c.headers)
end
function response(status, headers, body)
  if status == 200 and not body:find('"totalResults":1,', 1, true) then wrong = wrong + 1 end
end
done = c.done(os.getenv("RESULT_NAME") or "lanyard_get")
