-- bench/sign.lua: wrk signing an initiative, each request a different elector of
-- bench/initiative.sh's generated roll (electors 0 .. N-1, named by their index
-- in base 26), thread t taking t, t + THREADS, ... Environment: N, THREADS.
-- The bench's fallback (SIGN_CLIENT=wrk): its default is sign_load
-- (bench/sign_load.c), some 40 % less CPU a request on the same cores.
local n, threads = tonumber(os.getenv("N")), tonumber(os.getenv("THREADS"))
local count = 0
local headers = {["Content-Type"] = "application/json"}

function setup(thread)
  thread:set("offset", count)
  count = count + 1
end

function init(args)
  nextone = offset
end

local function name(i)
  local s = ""
  for _ = 1, 5 do
    s = s .. string.char(65 + i % 26)
    i = math.floor(i / 26)
  end
  return "Nom" .. s
end

function request()
  local i = nextone
  nextone = nextone + threads
  if nextone >= n then nextone = offset end -- round again: the second time is a duplicate (409)
  local body = string.format('{"name":"%s","given":"Jean","birth":"1970-01-01","commune":"C%d"}', name(i), i % 500)
  return wrk.format("POST", "/api/initiatives/1/signatures", headers, body)
end
