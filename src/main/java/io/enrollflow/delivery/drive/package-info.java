/** Delivery to Google Drive: one shared folder per task, the task tree mirrored in it by resumable uploads (docs/contract.md §5). */
package io.enrollflow.delivery.drive;
