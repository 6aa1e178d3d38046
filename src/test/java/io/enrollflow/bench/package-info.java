/** Benchmarks run by the scripts in bench/, never by the test suite (DESIGN.md: measured, not asserted). */
package io.enrollflow.bench;
