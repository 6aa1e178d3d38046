-- drive-pause.lua: Drive asked to slow down (429, a rate-limit 403): pause every instance's Drive calls (docs/contract.md §12).
-- The pause is a key whose TTL (Redis's clock) is what is left of it; a new answer only ever lengthens it.
-- KEYS[1] the pause key
-- ARGV[1] the pause in ms, ARGV[2] what set it (kept as the value, for operators)
-- Returns the pause left in ms after the call.
local left = redis.call('PTTL', KEYS[1])
local wanted = tonumber(ARGV[1])
if left < wanted then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', wanted)
  return wanted
end
return left
