/** Settings: where they come from (file, jar copy, environment), one record per concern parsed once, and the errors for bad ones. */
package io.enrollflow.config;
