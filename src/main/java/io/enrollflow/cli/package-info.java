/** The command line: run, demo, status, dlq — with exit codes 0 (done), 1 (not found or failed), 2 (usage or configuration). */
package io.enrollflow.cli;
