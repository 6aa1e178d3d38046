/** The operators' web console (docs/contract.md §11): server-rendered pages on the management port, a little vanilla script. */
package io.enrollflow.console;
