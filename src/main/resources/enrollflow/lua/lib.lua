-- lib.lua: helpers shared by the scripts. RedisScripts puts this text in front of every script it loads, so each
-- script stays one EVAL (one atomic step) and the helpers are written once. No keys of its own: callers pass them.

-- Removes dead letter `id` from the indexes of its reason, its stage, and both (the prefixes come from RedisKeys and
-- share the slot of the dead-letter hash). The stage and reason are read from its `record`; a record that is not a
-- JSON object was never indexed by them.
local function unindex_dead_letter(record, id, by_reason, by_stage, by_both)
  local ok, was = pcall(cjson.decode, record)
  if ok and type(was) == 'table' then
    local stage, reason = tostring(was.stage), tostring(was.reason)
    redis.call('ZREM', by_reason .. reason, id)
    redis.call('ZREM', by_stage .. stage, id)
    redis.call('ZREM', by_both .. stage .. ':' .. reason, id)
  end
end

-- Moves every payload of list `from` onto the consuming end of list `to`, newest first, so the oldest is taken first.
-- Returns how many moved.
local function move_all(from, to)
  local moved = 0
  while true do
    local payload = redis.call('LPOP', from)
    if not payload then break end
    redis.call('RPUSH', to, payload)
    moved = moved + 1
  end
  return moved
end

