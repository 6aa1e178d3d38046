-- claim.lua: intake decides whether a task taken from the queue runs now, and hands the run its fencing token
-- (docs/contract.md §2 "the same taskId pushed twice", §3 "completed is final", §7 crashes, stalls and poison tasks).
-- KEYS[1] task status hash      enrollflow:task:<id>
-- KEYS[2] task history list     enrollflow:task:<id>:history
-- KEYS[3] claim key             enrollflow:claim:<id>   (value: '<sequence> <instance id> <epoch>', the fencing token)
-- KEYS[4] dead-letter hash      enrollflow:dead-letters
-- KEYS[5] dead-letter index     enrollflow:dead-letters:index
-- KEYS[6] dead-letter payloads  enrollflow:dead-letters:payloads
-- KEYS[7] claim sequence        enrollflow:claim-seq   (INCR: every claim's token is new)
-- KEYS[8] the orderId's task index (a set, the console's search; the never-written RedisKeys.none() when the task has
-- no orderId: an empty name would lie outside the namespace's Cluster slot)
-- ARGV[1] owner ('<instance id> <epoch>'; the instance's heartbeat holds the epoch while it lives), ARGV[2] now
-- (ISO-8601), ARGV[3] history size, ARGV[4] raw payload, ARGV[5] taskId, ARGV[6] orderId, ARGV[7] courseUrl,
-- ARGV[8] heartbeat key prefix ('enrollflow:instance:'), ARGV[9] max deliveries (runs that may end without a decision),
-- ARGV[10..12] the per-reason, per-stage and per-stage-and-reason dead-letter index prefixes (RedisKeys): a fresh
-- start removes the task's old record, which names the stage and reason whose indexes list it; with a hash-tag
-- namespace they share KEYS[4]'s slot, ARGV[13] seconds the orderId index is kept after this claim (absent or 0: for ever)
-- Returns {decision, attempts, enrolled, token}, and for 'claimed' a fifth: the task's firstSeenAt when an earlier claim
-- wrote it, '' when this one did (the time to completion counts from it, docs/contract.md §8). Decision is
--   'claimed'   run it (attempts = this attempt's number; enrolled = 1 when enrollment is already recorded;
--               token = the claim's value, which every write of the run must present)
--   'poison'    its runs ended without a decision max-deliveries times: dead-letter it (the claim is held: token)
--   'completed' already delivered: acknowledge and ignore
--   'in_flight' a live owner (its heartbeat holds the claim's epoch) holds the claim: acknowledge and ignore
--   'own'       this instance holds the claim already (token = the claim): in flight on another of its workers, or
--               this claim sent a second time after a lost reply; the instance tells which (TaskIntake)
--   'waiting'   it waits for a scheduled retry or a limit's hold: acknowledge and ignore (the retry brings it back)
-- A status or history key of another type is an error before anything is written (the run is internal_error).
local statusType = redis.call('TYPE', KEYS[1]).ok
if statusType ~= 'hash' and statusType ~= 'none' then
  return redis.error_reply('WRONGTYPE ' .. KEYS[1] .. ' holds a ' .. statusType .. ', not a status hash')
end
local historyType = redis.call('TYPE', KEYS[2]).ok
if historyType ~= 'list' and historyType ~= 'none' then
  return redis.error_reply('WRONGTYPE ' .. KEYS[2] .. ' holds a ' .. historyType .. ', not a history list')
end
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'completed' then
  return {'completed', 0, 0, ''}
end
local held = redis.call('GET', KEYS[3])
if held then
  local instance, epoch = string.match(held, '^%S+ (%S+) (%S+)$')
  if instance then
    if instance .. ' ' .. epoch == ARGV[1] then
      -- this very instance holds it: another of its workers runs the task, or this is a claim the client sent again
      -- after its first reply was lost (a failover); only the instance knows which, so it gets the claim back
      local enrolledAlready = 0
      if redis.call('HEXISTS', KEYS[1], 'enrolledAt') == 1 then enrolledAlready = 1 end
      return {'own', tonumber(redis.call('HGET', KEYS[1], 'attempts') or '1'), enrolledAlready, held}
    end
    if redis.call('GET', ARGV[8] .. instance) == epoch then
      return {'in_flight', 0, 0, ''}
    end
  elseif held == string.match(ARGV[1], '^%S+') or redis.call('EXISTS', ARGV[8] .. held) == 1 then
    -- a claim written before fencing tokens (value: the instance id alone)
    return {'in_flight', 0, 0, ''}
  end
end
if not held and status == 'retrying' and redis.call('HGET', KEYS[1], 'retryDue') ~= '1' then
  return {'waiting', 0, 0, ''}
end
-- a task held back by a fleet-wide limit (hold-back.lua) waits in the retry schedule too, whatever its status
local heldBack = redis.call('HGET', KEYS[1], 'heldBack')
if not held and heldBack and redis.call('HGET', KEYS[1], 'retryDue') ~= '1' then
  return {'waiting', 0, 0, ''}
end
local token = redis.call('INCR', KEYS[7]) .. ' ' .. ARGV[1]
redis.call('SET', KEYS[3], token)
local attempts
if status == false or status == 'failed' or status == 'queued' then
  -- a fresh start: a new task, a failed one pushed again, or a replay; the old dead-letter record goes now
  local record = redis.call('HGET', KEYS[4], ARGV[5])
  if record then
    unindex_dead_letter(record, ARGV[5], ARGV[10], ARGV[11], ARGV[12])
  end
  redis.call('HDEL', KEYS[4], ARGV[5])
  redis.call('ZREM', KEYS[5], ARGV[5])
  redis.call('HDEL', KEYS[6], ARGV[5])
  redis.call('HDEL', KEYS[1], 'enrolledAt', 'deliveryUrl', 'nextAttemptAt', 'crashes')
  redis.call('HSET', KEYS[1], 'attempts', 1, 'firstSeenAt', ARGV[2])
  attempts = 1
else
  -- a due retry, or a run that ended without a decision: the next attempt
  -- (back from a limit's hold, hold-back.lua: the same attempt goes on; a limit uses up none, docs/contract.md §12)
  local back = heldBack and not held
  if back then
    attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '1')
  else
    attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
  end
  local unfinished = status == 'processing' or status == 'enrolled' or status == 'downloading' or status == 'uploading'
  if held or (unfinished and not back) then
    -- the last run decided nothing: its instance died or stalled (claim left behind), or it was requeued as an
    -- orphan or handed back (status still mid-run); each counts toward max-deliveries, so no task re-runs forever
    local crashes = redis.call('HINCRBY', KEYS[1], 'crashes', 1)
    if crashes >= tonumber(ARGV[9]) then
      return {'poison', attempts, 0, token}
    end
  end
end
redis.call('HDEL', KEYS[1], 'retryDue', 'nextAttemptAt', 'heldBack')
redis.call('HSET', KEYS[1], 'taskId', ARGV[5], 'status', 'processing', 'stage', 'intake', 'reason', '', 'message', '',
  'payload', ARGV[4], 'orderId', ARGV[6], 'courseUrl', ARGV[7], 'updatedAt', ARGV[2])
redis.call('LPUSH', KEYS[2], cjson.encode({status = 'processing', at = ARGV[2], message = ''}))
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
-- the console's search by orderId
if ARGV[6] and ARGV[6] ~= '' then
  redis.call('SADD', KEYS[8], ARGV[5])
  -- bounded like the records it points to (docs/contract.md §14): each claim of one of its tasks starts the time again
  local keepOrder = tonumber(ARGV[13] or '0') or 0
  if keepOrder > 0 then
    redis.call('EXPIRE', KEYS[8], keepOrder)
  end
end
local enrolled = 0
if redis.call('HEXISTS', KEYS[1], 'enrolledAt') == 1 then enrolled = 1 end
-- a hash written before firstSeenAt existed gets it now
local firstSeen = redis.call('HGET', KEYS[1], 'firstSeenAt')
if not firstSeen then
  redis.call('HSET', KEYS[1], 'firstSeenAt', ARGV[2])
  firstSeen = ARGV[2]
end
if firstSeen == ARGV[2] then firstSeen = '' end
return {'claimed', attempts, enrolled, token, firstSeen}
