/** The operators' web console (CONTRACT §11): server-rendered pages on the management port, a little vanilla script. */
package io.enrollflow.console;
