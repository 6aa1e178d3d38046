-- index-dead-letters.lua: files dead letters written before the per-reason and per-stage indexes existed under those
-- indexes (the one-time backfill of DeadLetterStore.indexExisting). Safe to run again or alongside new writes: ZADD of
-- an id already filed changes nothing, and an id whose record is gone meanwhile is skipped.
-- KEYS[1] dead-letter hash, KEYS[2] dead-letter index (all records, scored by the last failure, epoch ms)
-- ARGV[1..3] the per-reason, per-stage and per-stage-and-reason index prefixes (RedisKeys): each record names its stage
-- and reason; with a hash-tag namespace those indexes share KEYS[1]'s slot
-- ARGV[4..] pairs: record key, score to use when KEYS[2] has none (the record's lastFailedAt, epoch ms)
-- Returns how many records were filed.
local filed = 0
for i = 4, #ARGV, 2 do
  local id = ARGV[i]
  local record = redis.call('HGET', KEYS[1], id)
  if record then
    local ok, letter = pcall(cjson.decode, record)
    if ok and type(letter) == 'table' then
      local score = redis.call('ZSCORE', KEYS[2], id)
      if not score then
        score = ARGV[i + 1]
        redis.call('ZADD', KEYS[2], score, id)
      end
      local stage, reason = tostring(letter.stage), tostring(letter.reason)
      redis.call('ZADD', ARGV[1] .. reason, score, id)
      redis.call('ZADD', ARGV[2] .. stage, score, id)
      redis.call('ZADD', ARGV[3] .. stage .. ':' .. reason, score, id)
      filed = filed + 1
    end
  end
end
return filed
