-- bench/post_sheets.lua: wrk entering sheets as a logged-in browser's script
-- does: the session cookie of one login, and the session's CSRF token in the
-- X-CSRF-Token header (server.c refuses a cookie-carried POST without it). Each
-- wrk thread takes every STEP-th bureau from FIRST (to LAST, then round again),
-- into election ELECTION. Environment: COOKIE, CSRF, ELECTION, FIRST, LAST, STEP.
local first, last = tonumber(os.getenv("FIRST")), tonumber(os.getenv("LAST"))
local step = tonumber(os.getenv("STEP"))
local headers = {["Cookie"] = os.getenv("COOKIE"), ["X-CSRF-Token"] = os.getenv("CSRF"),
                 ["Content-Type"] = "application/json"}
local election = os.getenv("ELECTION")
local n = 0

function setup(thread)
  thread:set("offset", n)
  n = n + 1
end

function init(args)
  next_bureau = first + offset
end

function request()
  local i = next_bureau
  next_bureau = next_bureau + step
  if next_bureau > last then next_bureau = first + offset end
  local a, b = 100 + i % 50, 80 + i % 30
  local sum = a + b + 60 + 40 + 30 + 20 + 15 + 10 + 8 + 5 + 3
  local body = string.format('{"inscrits":1500,"votants":%d,"blancs":5,"nuls":2,"votes":[%d,%d,60,40,30,20,15,10,8,5,3]}',
                             sum + 7, a, b)
  return wrk.format("POST", "/api/elections/" .. election .. "/bureaux/" .. i .. "/sheet", headers, body)
end
