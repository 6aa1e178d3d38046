/** Delivery to a folder: the task tree appears at {@code <folder>/<taskId>} complete or not at all. */
package io.enrollflow.delivery.folder;
