-- reap.lua: hands the tasks of a dead instance (its heartbeat expired) back to the queue (CONTRACT §7).
-- Their claims stay: claim.lua sees the owner has no heartbeat, counts the crash, and lets the task run again.
-- KEYS[1] the dead instance's processing list, KEYS[2] the task queue, KEYS[3] the set of instances,
-- KEYS[4] the dead instance's heartbeat key
-- ARGV[1] the dead instance's id
-- Returns the number of tasks handed back (0 when the instance turned out alive).
if redis.call('EXISTS', KEYS[4]) == 1 then
  return 0
end
local moved = 0
while true do
  -- newest first onto the consuming end, so the oldest ends up taken first
  local payload = redis.call('LPOP', KEYS[1])
  if not payload then break end
  redis.call('RPUSH', KEYS[2], payload)
  moved = moved + 1
end
redis.call('SREM', KEYS[3], ARGV[1])
return moved
