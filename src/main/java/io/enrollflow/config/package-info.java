/** Settings: where they come from (file, jar copy, environment), how they are parsed, and the errors for bad ones. */
package io.enrollflow.config;
