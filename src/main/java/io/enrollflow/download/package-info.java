/**
 * Download: the operator's command run without a shell, with its log, timeout and outcomes, and the tree it leaves in
 * the task folder.
 */
package io.enrollflow.download;
