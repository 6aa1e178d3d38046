-- download-permit.lua: the fleet's download permits (enrollflow.download.max-concurrent, docs/contract.md §12). A permit is
-- a lease: a member of a sorted set scored by its expiry in Redis time. The holder's heartbeat renews it; a crashed
-- instance stops renewing, so its permits lapse within the heartbeat's TTL and are free again.
-- KEYS[1] the leases (sorted set: member '<instance>|<taskId>|<n>', score expiry in ms of Redis time)
-- ARGV[1] operation: 'acquire', 'renew' or 'count'
--   acquire: ARGV[2] permits in the fleet, ARGV[3] lease length (ms), ARGV[4] the lease's member
--            Returns 1 when the permit is held (taken now or already held), 0 when all are in use.
--   renew:   ARGV[2] lease length (ms), ARGV[3..] members held by this instance; a lapsed one is not revived
--            Returns how many were renewed.
--   count:   Returns the permits in use (leases not expired).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local op = ARGV[1]
if op == 'count' then
  return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
end
-- lapsed leases (their holder stopped renewing) are given back first
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if op == 'renew' then
  local renewed = 0
  for i = 3, #ARGV do
    renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[i])
  end
  return renewed
end
local expiry = now + tonumber(ARGV[3])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  redis.call('ZADD', KEYS[1], expiry, ARGV[4])
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], expiry, ARGV[4])
  return 1
end
return 0
