-- hold-back.lua: a task held back by a fleet-wide limit for longer than a worker should wait in place (docs/contract.md §12)
-- goes into the retry schedule and is released, like a retry, but keeps its status, and claim.lua does not count
-- its return as an attempt (the 'heldBack' field says so).
-- KEYS[1] task status hash, KEYS[2] task history list, KEYS[3] claim key, KEYS[4] processing list,
-- KEYS[5] retry schedule (sorted set: member task id, score due time in epoch ms)
-- ARGV[1] now (ISO-8601), ARGV[2] history size, ARGV[3] raw payload, ARGV[4] task id, ARGV[5] due (epoch ms),
-- ARGV[6] due (ISO-8601), ARGV[7] the limit (enroll_rate, download_permits, upload_budget, drive_pause),
-- ARGV[8] message (what it waits for), ARGV[9] the run's fencing token
-- Returns the number of processing-list entries removed (0 or 1), or -1 when the claim holds another token: the run
-- was fenced (its task was taken over) and nothing was written.
if (redis.call('GET', KEYS[3]) or '') ~= ARGV[9] then
  return -1
end
local before = redis.call('HGET', KEYS[1], 'message')
redis.call('HSET', KEYS[1], 'heldBack', ARGV[7], 'message', ARGV[8], 'nextAttemptAt', ARGV[6], 'updatedAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'retryDue')
if before ~= ARGV[8] then
  -- one history entry per wait, not one per re-check of the same limit
  local status = redis.call('HGET', KEYS[1], 'status') or 'processing'
  redis.call('LPUSH', KEYS[2], cjson.encode({status = status, at = ARGV[1], message = ARGV[8]}))
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
end
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[4])
redis.call('DEL', KEYS[3])
return redis.call('LREM', KEYS[4], 1, ARGV[3])
