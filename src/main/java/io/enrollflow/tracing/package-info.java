/**
 * Traces (docs/contract.md §8), off unless switched on: the OpenTelemetry SDK set up from the standard {@code OTEL_*}
 * variables, camel-opentelemetry2's spans for the routes and endpoints, and the spans enrollflow makes itself
 * ({@link io.enrollflow.tracing.Tracing}). No span attribute holds an email, a token or a URL's query.
 */
package io.enrollflow.tracing;
