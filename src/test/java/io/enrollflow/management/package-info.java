/** Tests of the management HTTP server: health, metrics and the token-protected operator API, on a real runtime. */
package io.enrollflow.management;
