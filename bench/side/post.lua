-- POST /Users with the body Okta sends when a user is assigned (unique userName per request).
package.path = os.getenv("BENCH_SIDE") .. "/?.lua;" .. package.path
local c = require("common")
setup = c.setup
local i = 0
function request()
  i = i + 1
  local u = string.format("w.%s.%d.%d@example.com", c.run, thread_index, i)
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. u .. '",'
    .. '"name":{"givenName":"Ada","familyName":"Lovelace"},'
    .. '"emails":[{"primary":true,"value":"' .. u .. '","type":"work"}],'
    .. '"displayName":"Ada Lovelace","locale":"en-US","externalId":"00u' .. c.run .. thread_index .. 'x' .. i .. '",'
    .. '"groups":[],"password":"p' .. math.random(1, 1e9) .. '","active":true}'
  return wrk.format("POST", c.base .. "/Users", c.headers, body)
end
done = c.done(os.getenv("RESULT_NAME") or "lanyard_post")
