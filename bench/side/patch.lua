-- PATCH /Users/{id}: Okta's deactivate ({"op":"replace","value":{"active":false}}) and Entra's
-- Replace ({"op":"Replace","path":"active","value":"False"}), alternately. Each thread sweeps its
-- own share of the users; every other sweep reactivates, so each request is a real change.
package.path = os.getenv("BENCH_SIDE") .. "/?.lua;" .. package.path
local c = require("common")
setup = c.setup
local ids, first, share
local i = 0
function init(args)
  ids, first, share = c.share()
end
function request()
  local k = i % share
  local sweep = math.floor(i / share)
  local id = ids[first + k + 1]
  local active = (sweep % 2 == 1)
  local body
  if i % 2 == 0 then
    body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":'
      .. tostring(active) .. '}}]}'
  else
    body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"'
      .. (active and "True" or "False") .. '"}]}'
  end
  i = i + 1
  return wrk.format("PATCH", c.base .. "/Users/" .. id, c.headers, body)
end
done = c.done(os.getenv("RESULT_NAME") or "lanyard_patch")
