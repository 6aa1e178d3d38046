/**
 * Test infrastructure with real parts: a bundled Redis per test class, an enrollment API stub over HTTP, the runtime
 * in-process, download scripts, task builders, log capture and the built jar as a separate process.
 */
package io.enrollflow.testing;
