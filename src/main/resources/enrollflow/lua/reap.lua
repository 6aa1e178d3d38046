-- reap.lua: hands the tasks of a dead instance (its heartbeat expired) back to the queue (docs/contract.md §7).
-- Their claims stay: claim.lua sees the owner has no heartbeat, counts the crash, and lets the task run again.
-- KEYS[1] the dead instance's processing list, KEYS[2] the task queue, KEYS[3] the set of instances,
-- KEYS[4] the dead instance's heartbeat key
-- ARGV[1] the dead instance's id
-- Returns the number of tasks handed back (0 when the instance turned out alive).
if redis.call('EXISTS', KEYS[4]) == 1 then
  return 0
end
local moved = move_all(KEYS[1], KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return moved
