/** The pipeline's steps: the Camel processors the routes call (claim, download, delivery, the hold-back and failure decisions). */
package io.enrollflow.pipeline;
