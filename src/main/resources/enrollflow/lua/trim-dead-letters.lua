-- trim-dead-letters.lua: one batch of dead-letter trimming (docs/contract.md §14): first the records older than the
-- max age, then, while more than the max count remain, the oldest; each leaves the record hash, the payloads, and every
-- index (time, reason, stage, both) in the same step, so a page of any listing stays exact. The task's status hash and
-- history go with the record while they still say 'failed' (a failed task's status lasts as long as its record).
-- Age is measured on Redis's clock (TIME), so instances with skewed clocks trim alike.
-- KEYS[1] dead-letter hash, KEYS[2] dead-letter index (scored by the last failure, epoch ms), KEYS[3] payloads hash
-- ARGV[1..3] the per-reason, per-stage and per-stage-and-reason index prefixes, ARGV[4] the task status prefix (with a
-- hash-tag namespace every one of these shares KEYS[1]'s slot), ARGV[5] max age (ms), ARGV[6] max records,
-- ARGV[7] most records this call trims
-- Returns {trimmed by age, trimmed by count}.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local budget = tonumber(ARGV[7])

local function trim(id)
  local record = redis.call('HGET', KEYS[1], id)
  if record then
    unindex_dead_letter(record, id, ARGV[1], ARGV[2], ARGV[3])
  end
  redis.call('HDEL', KEYS[1], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[2], id)
  local status = ARGV[4] .. id
  if redis.call('TYPE', status).ok == 'hash' and redis.call('HGET', status, 'status') == 'failed' then
    redis.call('DEL', status, status .. ':history')
  end
end

local by_age = 0
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - tonumber(ARGV[5])), 'LIMIT', 0, budget)
for _, id in ipairs(old) do
  trim(id)
  by_age = by_age + 1
end
local by_count = 0
local over = math.min(redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6]), budget - by_age)
if over > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, over - 1)) do
    trim(id)
    by_count = by_count + 1
  end
end
return {by_age, by_count}
