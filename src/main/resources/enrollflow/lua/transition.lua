-- transition.lua: records a status change, and (when the task reached a decision) releases it in the same step.
-- A transition that was followed at once by this one (enrolled, then downloading) may come with it: it enters the
-- history first, so one round trip records both.
-- KEYS[1] task status hash, KEYS[2] task history list,
-- KEYS[3] claim key, KEYS[4] processing list (only read when ARGV[3] is not empty),
-- KEYS[5] this minute's completed counter (counted when the status is 'completed'; kept 25 hours),
-- KEYS[6] (optional, with an acknowledgement only) the task queue: the worker's next task is taken from it into the
-- processing list (LMOVE, oldest first, as the worker's BLMOVE would) in the same step, saving that round trip
-- ARGV[1] now (ISO-8601), ARGV[2] history size, ARGV[3] raw payload to acknowledge ('' = not a decision),
-- ARGV[4] the run's fencing token (the claim's value claim.lua gave it),
-- ARGV[5] seconds a completed task's status hash and history are kept (enrollflow.status.retention; 0 = for ever),
-- ARGV[6] how many earlier transitions come first (n), then n times: status, at, message;
-- then field, value, field, value ... ('status' and 'message' among them feed the history; fields alone, such as a
-- Drive folder id, write no history)
-- Returns the number of processing-list entries removed (0 or 1), or -1 when the claim holds another token: the run
-- was fenced (its task was taken over) and nothing was written. With KEYS[6]: {that number, the next task's payload or
-- false (none taken: the queue was empty, or nothing was acknowledged)}.
-- 'completed' is final (docs/contract.md §3): a write that comes after it changes nothing. The run that completed the task
-- (its token is kept as 'completedBy') may send its completion again when a failover cut the connection after the
-- script ran on the old primary and reached the replica: the client cannot tell, and the claim is gone by then, so this
-- comes before the fencing check; such a repeat only acknowledges. Any other run's write is refused (-1): it was fenced.
local function reply(removed)
  if not KEYS[6] then
    return removed
  end
  local next = false
  if removed >= 0 and ARGV[3] ~= '' then
    next = redis.call('LMOVE', KEYS[6], KEYS[4], 'RIGHT', 'LEFT')
  end
  return {removed, next}
end
if redis.call('HGET', KEYS[1], 'status') == 'completed' then
  if redis.call('HGET', KEYS[1], 'completedBy') ~= ARGV[4] then
    return reply(-1)
  end
  if ARGV[3] ~= '' then
    return reply(redis.call('LREM', KEYS[4], 1, ARGV[3]))
  end
  return reply(0)
end
if (redis.call('GET', KEYS[3]) or '') ~= ARGV[4] then
  return reply(-1)
end
local earlier = tonumber(ARGV[6])
for j = 0, earlier - 1 do
  local b = 7 + 3 * j
  redis.call('LPUSH', KEYS[2], cjson.encode({status = ARGV[b], at = ARGV[b + 1], message = ARGV[b + 2]}))
end
local fields = {}
local status, message = nil, ''
for i = 7 + 3 * earlier, #ARGV, 2 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
  if ARGV[i] == 'status' then status = ARGV[i + 1] end
  if ARGV[i] == 'message' then message = ARGV[i + 1] end
end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[1], unpack(fields))
if status == 'completed' then
  redis.call('HSET', KEYS[1], 'completedBy', ARGV[4])
end
if status then
  redis.call('LPUSH', KEYS[2], cjson.encode({status = status, at = ARGV[1], message = message}))
end
if status or earlier > 0 then
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
end
-- a completed task is final, so its status and history can expire on Redis's own clock: no scan ever looks for them
-- (docs/contract.md §14). A task pushed again after that runs again.
local keep = tonumber(ARGV[5])
if status == 'completed' and keep > 0 then
  redis.call('EXPIRE', KEYS[1], keep)
  redis.call('EXPIRE', KEYS[2], keep)
end
-- the console's fleet-wide chart: completions per minute
if status == 'completed' and KEYS[5] then
  redis.call('INCR', KEYS[5])
  redis.call('EXPIRE', KEYS[5], 90000)
end
if ARGV[3] ~= '' then
  redis.call('DEL', KEYS[3])
  return reply(redis.call('LREM', KEYS[4], 1, ARGV[3]))
end
return reply(0)
