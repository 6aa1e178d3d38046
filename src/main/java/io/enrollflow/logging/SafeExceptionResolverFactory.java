package io.enrollflow.logging;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolver;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolverContext;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolverFactory;
import org.apache.logging.log4j.layout.template.json.resolver.TemplateResolverConfig;
import org.apache.logging.log4j.layout.template.json.resolver.TemplateResolverFactory;
import org.apache.logging.log4j.layout.template.json.util.JsonWriter;

/**
 * The {@code safeException} resolver of JsonTemplateLayout, in place of its {@code exception} resolver: the stack trace
 * the text format writes ({@link StackTraces}: each exception's message scrubbed and escaped) as one JSON string; no
 * field at all when the event has no exception. In a template: {@code "exception": {"$resolver": "safeException"}}.
 */
@Plugin(name = "SafeExceptionResolverFactory", category = TemplateResolverFactory.CATEGORY)
public final class SafeExceptionResolverFactory implements EventResolverFactory {

    private static final SafeExceptionResolverFactory INSTANCE = new SafeExceptionResolverFactory();

    private SafeExceptionResolverFactory() {
    }

    @PluginFactory
    public static SafeExceptionResolverFactory getInstance() {
        return INSTANCE;
    }

    @Override
    public String getName() {
        return "safeException";
    }

    @Override
    public EventResolver create(EventResolverContext context, TemplateResolverConfig config) {
        return new Resolver();
    }

    private static final class Resolver implements EventResolver {

        @Override
        public boolean isResolvable(LogEvent event) {
            return event.getThrown() != null;
        }

        @Override
        public void resolve(LogEvent event, JsonWriter json) {
            Throwable thrown = event.getThrown();
            if (thrown == null) {
                json.writeNull();
            } else {
                Escape.json(StackTraces.of(thrown), json.getStringBuilder());
            }
        }
    }
}
