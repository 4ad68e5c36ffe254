-- PATCH /Users/{id} as an IdP's profile sync: Okta's replace of name.givenName
-- ({"op":"replace","value":{"name":{"givenName":...}}}) and Entra's Replace of displayName
-- ({"op":"Replace","path":"displayName","value":...}), alternately, each with a value no request
-- sent before, so each is a real change. No access is taken away: the safeguard is not asked.
-- Each thread sweeps its own share of the users.
package.path = os.getenv("BENCH_SIDE") .. "/?.lua;" .. package.path
local c = require("common")
setup = c.setup
local ids, first, share
local i = 0
function init(args)
  ids, first, share = c.share()
end
function request()
  local id = ids[first + (i % share) + 1]
  local value = c.run .. "-" .. thread_index .. "-" .. i
  local body
  if i % 2 == 0 then
    body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"name":{"givenName":"'
      .. value .. '"}}}]}'
  else
    body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"displayName","value":"'
      .. value .. '"}]}'
  end
  i = i + 1
  return wrk.format("PATCH", c.base .. "/Users/" .. id, c.headers, body)
end
done = c.done(os.getenv("RESULT_NAME") or "lanyard_sync")
