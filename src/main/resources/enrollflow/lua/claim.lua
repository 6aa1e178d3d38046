-- claim.lua: intake decides whether a task taken from the queue runs now (CONTRACT §2 "the same taskId pushed twice").
-- KEYS[1] task status hash      enrollflow:task:<id>
-- KEYS[2] task history list     enrollflow:task:<id>:history
-- KEYS[3] claim key             enrollflow:claim:<id>   (held while an instance works on the task)
-- KEYS[4] dead-letter hash      enrollflow:dead-letters
-- KEYS[5] dead-letter index     enrollflow:dead-letters:index
-- KEYS[6] dead-letter payloads  enrollflow:dead-letters:payloads
-- ARGV[1] instance id, ARGV[2] now (ISO-8601), ARGV[3] history size, ARGV[4] raw payload,
-- ARGV[5] taskId, ARGV[6] orderId, ARGV[7] courseUrl
-- Returns {decision, attempts}: decision is
--   'claimed'   run it (attempts = this attempt's number; 1 for a fresh start)
--   'completed' already delivered: acknowledge and ignore
--   'in_flight' another run holds the claim: acknowledge and ignore
--   'waiting'   it waits for a scheduled retry: acknowledge and ignore (the retry brings it back)
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'completed' then
  return {'completed', 0}
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  return {'in_flight', 0}
end
if status == 'retrying' and redis.call('HGET', KEYS[1], 'retryDue') ~= '1' then
  return {'waiting', 0}
end
redis.call('SET', KEYS[3], ARGV[1])
local attempts
if status == false or status == 'failed' or status == 'queued' then
  -- a fresh start: a new task, a failed one pushed again, or a replay; the old dead-letter record goes now
  redis.call('HDEL', KEYS[4], ARGV[5])
  redis.call('ZREM', KEYS[5], ARGV[5])
  redis.call('HDEL', KEYS[6], ARGV[5])
  redis.call('HDEL', KEYS[1], 'enrolledAt', 'deliveryUrl', 'nextAttemptAt')
  redis.call('HSET', KEYS[1], 'attempts', 1)
  attempts = 1
else
  -- a due retry, or a task taken again after its instance died: the next attempt
  attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
end
redis.call('HDEL', KEYS[1], 'retryDue', 'nextAttemptAt')
redis.call('HSET', KEYS[1], 'taskId', ARGV[5], 'status', 'processing', 'stage', 'intake', 'reason', '', 'message', '',
  'payload', ARGV[4], 'orderId', ARGV[6], 'courseUrl', ARGV[7], 'updatedAt', ARGV[2])
redis.call('LPUSH', KEYS[2], cjson.encode({status = 'processing', at = ARGV[2], message = ''}))
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
return {'claimed', attempts}
