/** Benchmarks run by the scripts in bench/, never by the test suite (measured, never asserted). */
package io.enrollflow.bench;
