-- move-due.lua: puts tasks whose retry is due back on the queue, marked so that intake lets them through.
-- KEYS[1] retry schedule (sorted set), KEYS[2] the task queue
-- ARGV[1] now (epoch ms), ARGV[2] most to move in one call, ARGV[3] status hash prefix ('enrollflow:task:')
-- Returns the number of tasks moved.
-- The status hashes are named from ARGV[3], the namespace's prefix: with a hash-tag namespace they share the slot of
-- KEYS, which is what Redis Cluster needs.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  local hash = ARGV[3] .. id
  local payload = redis.call('HGET', hash, 'payload')
  if payload then
    redis.call('HSET', hash, 'retryDue', '1')
    redis.call('LPUSH', KEYS[2], payload)
  end
end
return #due
