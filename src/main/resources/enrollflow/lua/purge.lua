-- purge.lua: removes dead-letter records for good, each with its stored payload and index entry, in one step.
-- The tasks' status hashes are left as they are ('failed'): the backend still sees how they ended.
-- KEYS[1] dead-letter hash, KEYS[2] dead-letter index, KEYS[3] dead-letter payloads,
-- KEYS[4..] the dead-letter reason and stage indexes
-- ARGV[1..] record keys (task ids or invalid-<n>)
-- Returns the keys that had a record (those not found are left out).
local removed = {}
for i = 1, #ARGV do
  if redis.call('HDEL', KEYS[1], ARGV[i]) == 1 then
    removed[#removed + 1] = ARGV[i]
  end
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
end
for _, id in ipairs(ARGV) do
  for k = 4, #KEYS do
    redis.call('ZREM', KEYS[k], id)
  end
end
return removed
