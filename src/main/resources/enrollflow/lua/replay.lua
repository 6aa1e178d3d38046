-- replay.lua: puts a dead-lettered task back on the queue and removes its record, in one step (docs/contract.md §6: a crash
-- in the middle neither loses the task nor leaves it in both places). The task's status becomes 'queued' with
-- 'replays' + 1; claim.lua then starts it afresh (attempts from 1).
-- KEYS[1] dead-letter hash, KEYS[2] dead-letter index, KEYS[3] dead-letter payloads, KEYS[4] the task queue,
-- KEYS[5] task status hash, KEYS[6] task history list
-- ARGV[1] record key (task id), ARGV[2] now (ISO-8601), ARGV[3] history size,
-- ARGV[4..6] the per-reason, per-stage and per-stage-and-reason dead-letter index prefixes (RedisKeys): the record names
-- its stage and reason, so the script finds those indexes from it; with a hash-tag namespace they share KEYS[1]'s slot
-- Returns 0 when there is no such record (or no payload to push back: then nothing changes), 1 when replayed (a payload
-- without a status hash, e.g. invalid-<n>), 2 when replayed and its status set to 'queued'.
local payload = redis.call('HGET', KEYS[3], ARGV[1])
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not payload or not record then
  return 0
end
unindex_dead_letter(record, ARGV[1], ARGV[4], ARGV[5], ARGV[6])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
local result = 1
if redis.call('EXISTS', KEYS[5]) == 1 then
  redis.call('HSET', KEYS[5], 'status', 'queued', 'stage', 'intake', 'reason', '', 'message', 'replayed',
    'updatedAt', ARGV[2])
  redis.call('HDEL', KEYS[5], 'nextAttemptAt', 'retryDue')
  redis.call('HINCRBY', KEYS[5], 'replays', 1)
  redis.call('LPUSH', KEYS[6], cjson.encode({status = 'queued', at = ARGV[2], message = 'replayed'}))
  redis.call('LTRIM', KEYS[6], 0, tonumber(ARGV[3]) - 1)
  result = 2
end
redis.call('LPUSH', KEYS[4], payload)
return result
