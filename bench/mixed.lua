-- wrk script of bench/mixed.py: each request picks a URL by Zipf-like popularity (the cumulative weights in
-- MIXED_URLS), asks for gzip as browsers do, and logs the URL's line number, latency (us), status, X-Cache, body
-- size and the request's start (monotonic us, to merge the threads' logs in time order) to one file per thread
-- (MIXED_LOG .. thread id). Run with one connection per thread (-tN -cN), so that
-- each response follows the request this thread sent last.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } mixed_timespec;
  int clock_gettime(int clock, mixed_timespec *spec);
]]
local spec = ffi.new("mixed_timespec")
local function now_us()
  ffi.C.clock_gettime(1, spec) -- CLOCK_MONOTONIC
  return tonumber(spec.tv_sec) * 1000000 + tonumber(spec.tv_nsec) / 1000
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

local labels, cumulative, paths, log, started, current, pending = {}, {}, {}, nil, 0, 0, 0

function init(args)
  for line in io.lines(os.getenv("MIXED_URLS")) do
    local label, weight, path = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
    labels[#labels + 1], cumulative[#cumulative + 1], paths[#paths + 1] = label, tonumber(weight), path
  end
  log = io.open(os.getenv("MIXED_LOG") .. id, "w")
  math.randomseed(id * 7919)
end

local function pick()
  local r = math.random() * cumulative[#cumulative]
  local low, high = 1, #cumulative
  while low < high do
    local middle = math.floor((low + high) / 2)
    if cumulative[middle] < r then low = middle + 1 else high = middle end
  end
  return low
end

function request()
  current = pick()
  started = now_us()
  return wrk.format("GET", paths[current], { ["Accept-Encoding"] = "gzip" })
end

function response(status, headers, body)
  local elapsed = math.floor(now_us() - started)
  log:write(current, "\t", elapsed, "\t", status, "\t", headers["X-Cache"] or "", "\t", #body, "\t",
    math.floor(started), "\n")
  pending = pending + 1
  if pending >= 200 then
    log:flush()
    pending = 0
  end
end
