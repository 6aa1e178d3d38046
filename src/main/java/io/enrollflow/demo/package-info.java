/** The local trial: a bundled Redis, a sample enrollment service, a sample download command, and a summary. */
package io.enrollflow.demo;
