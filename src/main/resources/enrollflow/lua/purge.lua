-- purge.lua: removes dead-letter records for good, each with its stored payload and index entry, in one step.
-- The tasks' status hashes are left as they are ('failed'): the backend still sees how they ended.
-- KEYS[1] dead-letter hash, KEYS[2] dead-letter index, KEYS[3] dead-letter payloads
-- ARGV[1..3] the per-reason, per-stage and per-stage-and-reason dead-letter index prefixes (RedisKeys): each record
-- names its stage and reason, so the script finds those indexes from it; with a hash-tag namespace they share KEYS[1]'s
-- slot
-- ARGV[4..] record keys (task ids or invalid-<n>)
-- Returns the keys that had a record (those not found are left out).
local removed = {}
for i = 4, #ARGV do
  local record = redis.call('HGET', KEYS[1], ARGV[i])
  if record then
    unindex_dead_letter(record, ARGV[i], ARGV[1], ARGV[2], ARGV[3])
  end
  if redis.call('HDEL', KEYS[1], ARGV[i]) == 1 then
    removed[#removed + 1] = ARGV[i]
  end
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
end
return removed
