-- schedule-retry.lua: a transient failure with attempts left: status 'retrying', the task id into the retry schedule
-- scored by its due time, and the task released, all in one step (docs/contract.md §7: a waiting task holds no worker slot).
-- KEYS[1] task status hash, KEYS[2] task history list, KEYS[3] claim key, KEYS[4] processing list,
-- KEYS[5] retry schedule (sorted set: member task id, score due time in epoch ms)
-- ARGV[1] now (ISO-8601), ARGV[2] history size, ARGV[3] raw payload, ARGV[4] task id, ARGV[5] due (epoch ms),
-- ARGV[6] due (ISO-8601), ARGV[7] stage, ARGV[8] reason, ARGV[9] message, ARGV[10] the run's fencing token
-- Returns the number of processing-list entries removed (0 or 1), or -1 when the claim holds another token: the run
-- was fenced (its task was taken over) and nothing was written.
if (redis.call('GET', KEYS[3]) or '') ~= ARGV[10] then
  return -1
end
redis.call('HSET', KEYS[1], 'status', 'retrying', 'stage', ARGV[7], 'reason', ARGV[8], 'message', ARGV[9],
  'nextAttemptAt', ARGV[6], 'updatedAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'retryDue')
redis.call('LPUSH', KEYS[2], cjson.encode({status = 'retrying', at = ARGV[1], message = ARGV[9]}))
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[4])
redis.call('DEL', KEYS[3])
return redis.call('LREM', KEYS[4], 1, ARGV[3])
