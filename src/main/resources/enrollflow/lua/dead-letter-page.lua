-- dead-letter-page.lua: one page of dead letters, newest first, with the number the index holds, read in one step so
-- that the page and its total agree (docs/contract.md §6: listing costs one page, not all records).
-- KEYS[1] the index to page through (all, one reason, one stage, or one stage and reason: RedisKeys.deadLetterIndex),
-- KEYS[2] dead-letter hash
-- ARGV[1] offset (0 = the newest), ARGV[2] page size (at least 1)
-- Returns {total, record JSON...}: total = ZCARD of the index; the records of ranks offset..offset+size-1, newest
-- first (an id whose record is gone is left out: every script that removes a record removes its index entries too).
local first = tonumber(ARGV[1])
local ids = redis.call('ZREVRANGE', KEYS[1], first, first + tonumber(ARGV[2]) - 1)
local out = {redis.call('ZCARD', KEYS[1])}
if #ids > 0 then
  local records = redis.call('HMGET', KEYS[2], unpack(ids))
  for i = 1, #records do
    if records[i] then
      out[#out + 1] = records[i]
    end
  end
end
return out
