-- fleet-gauges.lua: what a metrics scrape reads of the fleet (docs/contract.md §8), in one step whatever the size of
-- the queue, the retry schedule or the fleet: the oldest waiting task's age, the oldest retry's due time, and each live
-- instance's heartbeat age. Every instance reports the same values, read on Redis's clock.
-- The oldest waiting task's age comes from its queuedAt field when it has one. Otherwise from when a scrape first saw
-- it: each scrape records the payload at the queue's newest end (KEYS[2], by its SHA-1, first sight kept), so a task is
-- on record from the first scrape after its push until it is taken, and the records' times follow the queue's order.
-- The oldest task's first sight is its own record, or, when it was never the newest at a scrape (a newer push came
-- before the next one), the oldest record left: either way within one scrape interval of its push. Records older than
-- it are of tasks taken since, and go.
-- KEYS[1] the task queue (LPUSH in, taken from the right: its last element is the oldest), KEYS[2] the queue's
-- first-sight records (sorted set, epoch ms), KEYS[3] the retry schedule (sorted set, due epoch ms), KEYS[4] the set of
-- instances
-- ARGV[1] heartbeat key prefix ('enrollflow:instance:'), ARGV[2] instance details key prefix, ARGV[3] most first-sight
-- records kept besides the oldest
-- The instances' keys are named from the prefixes: with a hash-tag namespace they share the slot of KEYS.
-- Returns {now (epoch ms), the oldest task's queuedAt as written ('' when none), its first sight (epoch ms; 0 when the
-- queue is empty), the oldest retry's due time (epoch ms; '' when none), then for each live instance: its id and its
-- heartbeat's age in ms (-1 when its lifetime is unknown)}.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local queuedAt, firstSeen = '', 0
local oldest = redis.call('LINDEX', KEYS[1], -1)
if oldest then
  redis.call('ZADD', KEYS[2], 'NX', now, redis.sha1hex(redis.call('LINDEX', KEYS[1], 0)))
  local own = redis.call('ZSCORE', KEYS[2], redis.sha1hex(oldest))
  if own then
    firstSeen = tonumber(own)
  else
    firstSeen = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2])
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. firstSeen)
  -- a queue that does not move while tasks keep coming: the oldest record and the newest ones are kept
  redis.call('ZREMRANGEBYRANK', KEYS[2], 1, -(tonumber(ARGV[3]) + 1))
  local ok, task = pcall(cjson.decode, oldest)
  if ok and type(task) == 'table' then
    local value = task['queuedAt']
    if type(value) == 'number' then
      queuedAt = string.format('%.0f', value)
    elseif type(value) == 'string' then
      queuedAt = value
    end
  end
else
  redis.call('DEL', KEYS[2])
end
local due = ''
local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
if first[2] then
  due = first[2]
end
local out = {now, queuedAt, firstSeen, due}
for _, instance in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  local ttl = redis.call('PTTL', ARGV[1] .. instance)
  if ttl > 0 then
    local age = -1
    local details = redis.call('GET', ARGV[2] .. instance)
    if details then
      local ok, parsed = pcall(cjson.decode, details)
      if ok and type(parsed) == 'table' and type(parsed['heartbeatTtlMs']) == 'number' then
        age = math.max(0, parsed['heartbeatTtlMs'] - ttl)
      end
    end
    out[#out + 1] = instance
    out[#out + 1] = age
  end
end
return out
