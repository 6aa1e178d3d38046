/** Download: the operator's command, split into words and run without a shell, with its log, timeout and outcomes. */
package io.enrollflow.download;
