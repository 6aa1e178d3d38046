/** Redis, the backbone: the client, key names built in one place, and the Lua scripts that change several keys at once. */
package io.enrollflow.redis;
