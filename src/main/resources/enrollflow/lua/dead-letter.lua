-- dead-letter.lua: a task that failed for good: its record in the dead letters, status 'failed', the task released,
-- all in one step (docs/contract.md §6: every failed task has exactly one record).
-- KEYS[1] task status hash, KEYS[2] task history list, KEYS[3] claim key (all three the never-written RedisKeys.none()
-- for a payload with no usable task id: an empty name would lie outside the namespace's Cluster slot),
-- KEYS[4] processing list, KEYS[5] dead-letter hash, KEYS[6] dead-letter index (sorted set),
-- KEYS[7] dead-letter payloads hash, KEYS[8] this reason's index, KEYS[9] this stage's index, KEYS[10] this stage and
-- reason's index (sorted sets scored like KEYS[6]: what `dlq list --reason/--stage` pages through),
-- KEYS[11] this minute's failed counter (the console's fleet-wide chart; kept 25 hours)
-- ARGV[1] now (ISO-8601), ARGV[2] history size, ARGV[3] raw payload, ARGV[4] record key (task id or invalid-<n>),
-- ARGV[5] record JSON, ARGV[6] score (epoch ms), ARGV[7] stage, ARGV[8] reason, ARGV[9] message,
-- ARGV[10] the payload to keep for replay (the raw one, cut at 64 KiB),
-- ARGV[11..13] the per-reason, per-stage and per-stage-and-reason index prefixes (RedisKeys): a record already under
-- this key (rare: a task dead-lettered again without a fresh start) leaves the indexes of its old stage and reason, which
-- only the old record names; with a hash-tag namespace those indexes share the slot of KEYS[5];
-- ARGV[14] the run's fencing token ('' for a run that holds no claim: then no claim may be held by anyone)
-- ARGV[15] '1' when KEYS[1..3] are the task's own, '0' when the payload has no usable task id (then KEYS[1..3] are the
-- never-written RedisKeys.none() and only the record is written)
-- Returns the dead-letter count after the write, or -1 when the claim holds another token: the run was fenced (its
-- task was taken over) and nothing was written.
-- A status or history key of another type (the cause of an internal_error) is replaced, so the task reads 'failed'.
if ARGV[15] == '1' then
  if (redis.call('GET', KEYS[3]) or '') ~= ARGV[14] then
    return -1
  end
  local statusType = redis.call('TYPE', KEYS[1]).ok
  if statusType ~= 'hash' and statusType ~= 'none' then
    redis.call('DEL', KEYS[1])
  end
  local historyType = redis.call('TYPE', KEYS[2]).ok
  if historyType ~= 'list' and historyType ~= 'none' then
    redis.call('DEL', KEYS[2])
  end
end
local old = redis.call('HGET', KEYS[5], ARGV[4])
if old then
  unindex_dead_letter(old, ARGV[4], ARGV[11], ARGV[12], ARGV[13])
end
redis.call('HSET', KEYS[5], ARGV[4], ARGV[5])
redis.call('ZADD', KEYS[6], ARGV[6], ARGV[4])
redis.call('ZADD', KEYS[8], ARGV[6], ARGV[4])
redis.call('ZADD', KEYS[9], ARGV[6], ARGV[4])
redis.call('ZADD', KEYS[10], ARGV[6], ARGV[4])
redis.call('HSET', KEYS[7], ARGV[4], ARGV[10])
if ARGV[15] == '1' then
  redis.call('HSET', KEYS[1], 'status', 'failed', 'stage', ARGV[7], 'reason', ARGV[8], 'message', ARGV[9],
    'updatedAt', ARGV[1])
  redis.call('HSETNX', KEYS[1], 'firstFailedAt', ARGV[1])
  redis.call('HDEL', KEYS[1], 'retryDue', 'nextAttemptAt')
  redis.call('LPUSH', KEYS[2], cjson.encode({status = 'failed', at = ARGV[1], message = ARGV[9]}))
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
  redis.call('DEL', KEYS[3])
end
redis.call('LREM', KEYS[4], 1, ARGV[3])
-- the console's chart: failures per minute, fleet-wide
if KEYS[11] then
  redis.call('INCR', KEYS[11])
  redis.call('EXPIRE', KEYS[11], 90000)
end
return redis.call('HLEN', KEYS[5])
