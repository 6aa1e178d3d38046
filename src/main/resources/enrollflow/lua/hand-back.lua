-- hand-back.lua: on shutdown, gives back what this instance still holds, so another takes it at once (not after the
-- recovery timeout), and forgets the instance.
-- KEYS[1] this instance's processing list, KEYS[2] the task queue, KEYS[3] the set of instances,
-- KEYS[4] this instance's heartbeat key, KEYS[5..] claim keys of the tasks still held
-- ARGV[1] this instance's id, ARGV[2] its owner name ('<instance id> <epoch>', the end of its claims' values)
-- Returns the number of tasks handed back.
-- Deleting the claims also fences any run of this instance still going: its next write finds no claim and is refused.
for i = 5, #KEYS do
  local held = redis.call('GET', KEYS[i])
  if held and string.match(held, '^%S+ (.*)$') == ARGV[2] then
    redis.call('DEL', KEYS[i])
  end
end
local moved = move_all(KEYS[1], KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[4])
return moved
