/** The Camel processors the routes call as steps: claim, download, delivery, the hold-back and failure decisions. */
package io.enrollflow.pipeline;
