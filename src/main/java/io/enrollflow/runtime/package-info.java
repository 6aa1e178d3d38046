/** The runtime: camel-main booted with our settings, our routes, and the beans made in one configuration class. */
package io.enrollflow.runtime;
