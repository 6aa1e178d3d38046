-- heartbeat.lua: an instance says it is alive (docs/contract.md §7). Its heartbeat holds its epoch: claims name the epoch, so
-- when an instance was presumed dead (its heartbeat expired) and comes back under a new epoch, the claims of its old
-- runs stay dead and their tasks are taken over.
-- KEYS[1] this instance's heartbeat key, KEYS[2] the set of instances, KEYS[3] this instance's details (the console's
-- instances page; they live as long as the heartbeat)
-- ARGV[1] the epoch, ARGV[2] the heartbeat's lifetime (ms), ARGV[3] this instance's id, ARGV[4] '1' to register (a
-- start, or coming back under a new epoch), '0' to refresh, ARGV[5] the details (JSON; '' = none)
-- Returns 1 when written; 0 when a refresh found the heartbeat gone, under another epoch or the instance no longer in
-- the set (it was presumed dead, maybe reaped): nothing is written, the instance must treat its runs as fenced and
-- register under a new epoch.
if ARGV[4] ~= '1' then
  if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 0 then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
redis.call('SADD', KEYS[2], ARGV[3])
if ARGV[5] ~= '' then
  redis.call('SET', KEYS[3], ARGV[5], 'PX', tonumber(ARGV[2]))
end
return 1
