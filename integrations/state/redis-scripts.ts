/**
 * The Redis store's Lua scripts: each read-check-write runs atomically on
 * the server, so instances behind a load balancer never interleave inside
 * one. Expiry compares the `exp` field with the caller's clock (ARGV);
 * PEXPIRE is only a backstop that frees memory a purge would have freed.
 */

/**
 * KEYS: state, event log. ARGV: json, expected, now, expiresAt, backstopMs, then the turn's outcome events
 * (appended to the log with the save). → {1, version} or {0, actual}.
 */
export const SAVE_STATE = `
local exp = tonumber(redis.call('HGET', KEYS[1], 'exp') or '0')
local actual = 0
if exp > tonumber(ARGV[3]) then actual = tonumber(redis.call('HGET', KEYS[1], 'v')) end
if actual ~= tonumber(ARGV[2]) then return {0, actual} end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'v', actual + 1, 'exp', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
for i = 6, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
return {1, actual + 1}`;

/** KEYS: state. ARGV: now. → {json, version} or nil. */
export const LOAD_STATE = `
local row = redis.call('HMGET', KEYS[1], 'json', 'v', 'exp')
if not row[3] or tonumber(row[3]) <= tonumber(ARGV[1]) then return nil end
return {row[1], tonumber(row[2])}`;

/** KEYS: lease. ARGV: token, now, expiresAt, backstopMs. → 1 taken, 0 held by another. */
export const ACQUIRE = `
local exp = tonumber(redis.call('HGET', KEYS[1], 'exp') or '0')
if exp > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 't', ARGV[1], 'exp', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/** KEYS: lease. ARGV: token, now, expiresAt, backstopMs. → 1 renewed, 0 lost. */
export const RENEW = `
local row = redis.call('HMGET', KEYS[1], 't', 'exp')
if row[1] ~= ARGV[1] or tonumber(row[2]) <= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'exp', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/** KEYS: lease. ARGV: token. → 1 released, 0 not the holder. */
export const RELEASE = `
if redis.call('HGET', KEYS[1], 't') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

/** KEYS: delivery. ARGV: now, expiresAt, backstopMs. → {0} new, {1} pending, {2, answer} done. */
export const CLAIM_DELIVERY = `
local row = redis.call('HMGET', KEYS[1], 'a', 'exp')
if row[2] and tonumber(row[2]) > tonumber(ARGV[1]) then
  if row[1] then return {2, row[1]} end
  return {1}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'exp', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {0}`;

/** KEYS: delivery. ARGV: answer, now, expiresAt, backstopMs. The first answer stays. */
export const ANSWER_DELIVERY = `
local row = redis.call('HMGET', KEYS[1], 'a', 'exp')
if row[1] and row[2] and tonumber(row[2]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'a', ARGV[1], 'exp', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/** KEYS: items list, meta. ARGV: now, expiresAt, backstopMs, item… (one or more). → the first item's position. */
export const APPEND_HISTORY = `
local exp = tonumber(redis.call('HGET', KEYS[2], 'exp') or '0')
if exp <= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) end
local n = redis.call('RPUSH', KEYS[1], unpack(ARGV, 4))
redis.call('HSET', KEYS[2], 'exp', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return n - (#ARGV - 3)`;

/** KEYS: items list, meta. ARGV: watermark, limit, now. → {count, items…}. */
export const READ_HISTORY = `
local exp = tonumber(redis.call('HGET', KEYS[2], 'exp') or '0')
if exp <= tonumber(ARGV[3]) then return {0} end
local from = tonumber(ARGV[1])
local out = redis.call('LRANGE', KEYS[1], from, from + tonumber(ARGV[2]) - 1)
table.insert(out, 1, redis.call('LLEN', KEYS[1]))
return out`;

/**
 * KEYS: contacts hash, conversation→id hash, id→queue hash, id→member hash, seq counter, queue zset prefix.
 * ARGV: id, conversationId, queue, negated priority, enqueuedAt, contact json.
 * Members sort by score (−priority), then as strings: enqueuedAt, a zero-padded sequence, the id.
 * The zset keys are built in the script (KEYS[6] .. queue): fine on one Redis, not on a cluster.
 */
export const ENQUEUE = `
local old = redis.call('HGET', KEYS[2], ARGV[2])
for _, id in ipairs({old, ARGV[1]}) do
  if id then
    local q = redis.call('HGET', KEYS[3], id)
    if q then redis.call('ZREM', KEYS[6] .. q, redis.call('HGET', KEYS[4], id)) end
    local conv = cjson.decode(redis.call('HGET', KEYS[1], id) or '{"handoff":{}}').handoff.conversationId
    if conv then redis.call('HDEL', KEYS[2], conv) end
    redis.call('HDEL', KEYS[1], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('HDEL', KEYS[4], id)
  end
end
local member = ARGV[5] .. '|' .. string.format('%015d', redis.call('INCR', KEYS[5])) .. '|' .. ARGV[1]
redis.call('ZADD', KEYS[6] .. ARGV[3], ARGV[4], member)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[6])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[4], ARGV[1], member)
return 1`;

/** KEYS as ENQUEUE. ARGV: id, or '' with ARGV[2] = queue for the next of that queue. → the contact json or nil. */
export const TAKE = `
local id = ARGV[1]
if id == '' then
  local first = redis.call('ZRANGE', KEYS[6] .. ARGV[2], 0, 0)
  if not first[1] then return nil end
  id = string.match(first[1], '^[^|]*|[^|]*|(.*)$')
end
local contact = redis.call('HGET', KEYS[1], id)
if not contact then return nil end
redis.call('ZREM', KEYS[6] .. redis.call('HGET', KEYS[3], id), redis.call('HGET', KEYS[4], id))
redis.call('HDEL', KEYS[2], cjson.decode(contact).handoff.conversationId)
redis.call('HDEL', KEYS[1], id)
redis.call('HDEL', KEYS[3], id)
redis.call('HDEL', KEYS[4], id)
return contact`;
