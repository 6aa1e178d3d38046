-- rate-limit.lua: one call under the fleet's enrollment rate limit (enrollflow.enroll.rate-limit, docs/contract.md §12), as a
-- sliding-window log: every call granted in the last window is a member of a sorted set scored by Redis time, so any
-- window of that length holds at most the limit's calls. Time is Redis's (TIME), never an instance's clock.
-- KEYS[1] the log (sorted set: member a unique call id, score the grant time in microseconds)
-- ARGV[1] calls allowed per window, ARGV[2] the window in microseconds, ARGV[3] this call's unique id
-- Returns 0 when the call may go now (it is logged), else how many milliseconds until a slot frees (at least 1).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[2])
-- a call granted at now - window or earlier is outside every window that ends now
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return 0
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
return math.max(1, math.ceil((oldest + window - now + 1) / 1000))
