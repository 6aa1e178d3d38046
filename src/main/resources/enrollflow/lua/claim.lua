-- claim.lua: intake decides whether a task taken from the queue runs now (CONTRACT §2 "the same taskId pushed twice",
-- §7 crashes and poison tasks).
-- KEYS[1] task status hash      enrollflow:task:<id>
-- KEYS[2] task history list     enrollflow:task:<id>:history
-- KEYS[3] claim key             enrollflow:claim:<id>   (value: the instance working on the task)
-- KEYS[4] dead-letter hash      enrollflow:dead-letters
-- KEYS[5] dead-letter index     enrollflow:dead-letters:index
-- KEYS[6] dead-letter payloads  enrollflow:dead-letters:payloads
-- ARGV[1] instance id, ARGV[2] now (ISO-8601), ARGV[3] history size, ARGV[4] raw payload,
-- ARGV[5] taskId, ARGV[6] orderId, ARGV[7] courseUrl, ARGV[8] heartbeat key prefix ('enrollflow:instance:'),
-- ARGV[9] max deliveries (crashed instances a task may have been in flight on),
-- ARGV[10..12] the per-reason, per-stage and per-stage-and-reason dead-letter index prefixes (RedisKeys): a fresh
-- start removes the task's old record, which names the stage and reason whose indexes list it; with a hash-tag
-- namespace they share KEYS[4]'s slot
-- KEYS[7] the orderId's task index (a set, the console's search; '' when the task has no orderId)
-- Returns {decision, attempts, enrolled}: decision is
--   'claimed'   run it (attempts = this attempt's number; enrolled = 1 when enrollment is already recorded)
--   'poison'    it was in flight on max-deliveries crashed instances: dead-letter it (the claim is held)
--   'completed' already delivered: acknowledge and ignore
--   'in_flight' a live instance holds the claim: acknowledge and ignore
--   'waiting'   it waits for a scheduled retry or a limit's hold: acknowledge and ignore (the retry brings it back)
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'completed' then
  return {'completed', 0, 0}
end
local owner = redis.call('GET', KEYS[3])
if owner and (owner == ARGV[1] or redis.call('EXISTS', ARGV[8] .. owner) == 1) then
  return {'in_flight', 0, 0}
end
if not owner and status == 'retrying' and redis.call('HGET', KEYS[1], 'retryDue') ~= '1' then
  return {'waiting', 0, 0}
end
-- a task held back by a fleet-wide limit (hold-back.lua) waits in the retry schedule too, whatever its status
local held = redis.call('HGET', KEYS[1], 'heldBack')
if not owner and held and redis.call('HGET', KEYS[1], 'retryDue') ~= '1' then
  return {'waiting', 0, 0}
end
redis.call('SET', KEYS[3], ARGV[1])
local attempts
if status == false or status == 'failed' or status == 'queued' then
  -- a fresh start: a new task, a failed one pushed again, or a replay; the old dead-letter record goes now
  local record = redis.call('HGET', KEYS[4], ARGV[5])
  if record then
    local ok, was = pcall(cjson.decode, record)
    if ok and type(was) == 'table' then
      local stage, reason = tostring(was.stage), tostring(was.reason)
      redis.call('ZREM', ARGV[10] .. reason, ARGV[5])
      redis.call('ZREM', ARGV[11] .. stage, ARGV[5])
      redis.call('ZREM', ARGV[12] .. stage .. ':' .. reason, ARGV[5])
    end
  end
  redis.call('HDEL', KEYS[4], ARGV[5])
  redis.call('ZREM', KEYS[5], ARGV[5])
  redis.call('HDEL', KEYS[6], ARGV[5])
  redis.call('HDEL', KEYS[1], 'enrolledAt', 'deliveryUrl', 'nextAttemptAt', 'crashes')
  redis.call('HSET', KEYS[1], 'attempts', 1)
  attempts = 1
else
  -- a due retry, or a task whose instance died while working on it: the next attempt
  if held and not owner then
    -- back from a limit's hold: the same attempt goes on, a limit uses up none (CONTRACT §12)
    attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '1')
  else
    attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
  end
  if owner then
    -- the claim's owner has no heartbeat: it crashed with the task in flight
    local crashes = redis.call('HINCRBY', KEYS[1], 'crashes', 1)
    if crashes >= tonumber(ARGV[9]) then
      return {'poison', attempts, 0}
    end
  end
end
redis.call('HDEL', KEYS[1], 'retryDue', 'nextAttemptAt', 'heldBack')
redis.call('HSET', KEYS[1], 'taskId', ARGV[5], 'status', 'processing', 'stage', 'intake', 'reason', '', 'message', '',
  'payload', ARGV[4], 'orderId', ARGV[6], 'courseUrl', ARGV[7], 'updatedAt', ARGV[2])
redis.call('LPUSH', KEYS[2], cjson.encode({status = 'processing', at = ARGV[2], message = ''}))
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
-- the console's search by orderId
if KEYS[7] and KEYS[7] ~= '' then
  redis.call('SADD', KEYS[7], ARGV[5])
end
local enrolled = 0
if redis.call('HEXISTS', KEYS[1], 'enrolledAt') == 1 then enrolled = 1 end
return {'claimed', attempts, enrolled}
