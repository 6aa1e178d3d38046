/** The task: its JSON model, the intake rules of docs/contract.md §2, the failure vocabulary (reasons, stages). */
package io.enrollflow.task;
