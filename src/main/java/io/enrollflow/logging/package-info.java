/**
 * Logging: Log4j 2 set up before the first line ({@link io.enrollflow.logging.Logging}), enrollflow's lines built as
 * data ({@link io.enrollflow.logging.Event}), and the layouts' converters and JSON resolvers that write every logger's
 * lines scrubbed and escaped ({@link io.enrollflow.logging.Scrub}, {@link io.enrollflow.logging.Escape}).
 * <p>
 * Fields go in as a Log4j {@link org.apache.logging.log4j.message.MapMessage}
 * ({@link io.enrollflow.logging.EventMessage}), not through SLF4J 2's key-value API. With log4j-slf4j2-impl as the
 * provider, {@code addKeyValue} pairs are put in a HashMap and then in the ThreadContext for the length of the call:
 * the order is lost (the context map is sorted, so {@code task} would not come first), they mix with whatever else the
 * thread's context holds, and each line pays for copying that map. A MapMessage travels with the event as it is given,
 * and Log4j's own tools ({@code %K}, the {@code map} resolver) read it as well as enrollflow's layouts do. Camel's,
 * Redisson's and HttpClient's lines still come through SLF4J as text; the same layouts scrub and escape them.
 */
package io.enrollflow.logging;
