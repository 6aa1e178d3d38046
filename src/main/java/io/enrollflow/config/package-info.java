/**
 * Settings: where they come from (file, jar copy, environment), one record per concern parsed once (Drive's, the
 * limits' and the runtime's whole set among them), the download command split into words, and the errors for bad ones.
 */
package io.enrollflow.config;
