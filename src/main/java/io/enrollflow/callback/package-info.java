/** Status callbacks: each task transition POSTed to the backend's URL, asynchronously, retried, never failing the task. */
package io.enrollflow.callback;
