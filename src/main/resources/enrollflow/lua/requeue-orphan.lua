-- requeue-orphan.lua: puts back one entry of this live instance's processing list that no worker of it holds any more
-- (its run ended without a recorded decision, e.g. Redis dropped the connection while the decision was written).
-- KEYS[1] this instance's processing list, KEYS[2] the task queue, KEYS[3] the task's claim key ('' when unknown)
-- ARGV[1] the raw payload, ARGV[2] this instance's owner name ('<instance id> <epoch>', the end of its claims' values)
-- Returns 1 when requeued, 0 when the entry was gone already.
-- The run that is taken next counts this one toward max-deliveries (claim.lua: its status is still mid-run).
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
  return 0
end
if KEYS[3] ~= '' then
  local held = redis.call('GET', KEYS[3])
  if held and string.match(held, '^%S+ (.*)$') == ARGV[2] then
    redis.call('DEL', KEYS[3])
  end
end
redis.call('RPUSH', KEYS[2], ARGV[1])
return 1
