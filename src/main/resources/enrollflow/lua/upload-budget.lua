-- upload-budget.lua: reserves a task's bytes under the fleet's rolling 24 h Drive upload budget
-- (enrollflow.drive.max-upload-per-day, docs/contract.md §12). Each task holds one reservation (a later attempt replaces its
-- own, so retries are not counted twice); reservations leave the window 24 h after they were made, by Redis time.
-- KEYS[1] the log (sorted set: member task id, score reservation time in ms of Redis time)
-- KEYS[2] bytes per reservation (hash: task id -> bytes)
-- KEYS[3] their sum (string)
-- ARGV[1] task id, ARGV[2] the task's bytes, ARGV[3] the budget in bytes, ARGV[4] the window in ms
-- Returns {wait, total}: wait 0 when the bytes are reserved, else milliseconds until enough of the window's
-- reservations expire; total the window's bytes after the call.
-- A task larger than the whole budget goes once the window is otherwise empty: it could never go otherwise.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[4])
local total = tonumber(redis.call('GET', KEYS[3]) or '0')
if redis.call('EXISTS', KEYS[1]) == 0 then
  -- the keys expire together 24 h after the last reservation; a sum without its log counts nothing
  total = 0
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - window)
for _, id in ipairs(expired) do
  total = total - tonumber(redis.call('HGET', KEYS[2], id) or '0')
  redis.call('HDEL', KEYS[2], id)
end
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
end
local own = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local others = total - own
local bytes = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
if others + bytes <= budget or others <= 0 then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  total = others + bytes
  redis.call('SET', KEYS[3], string.format('%d', total))
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], window) end
  return {0, total}
end
if #expired > 0 then
  -- the sum lost the expired reservations; it expires with the log, as the reservation above set them
  redis.call('SET', KEYS[3], string.format('%d', total), 'PX', math.max(1, redis.call('PTTL', KEYS[1])))
end
-- oldest first: when has enough left the window for these bytes to fit?
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local freed = 0
for i = 1, #entries, 2 do
  if entries[i] ~= ARGV[1] then
    freed = freed + tonumber(redis.call('HGET', KEYS[2], entries[i]) or '0')
    if others - freed + bytes <= budget or others - freed <= 0 then
      return {math.max(1, tonumber(entries[i + 1]) + window - now + 1), total}
    end
  end
end
return {math.max(1, window), total}
