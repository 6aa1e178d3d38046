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
 * The {@code safeMessage} resolver of JsonTemplateLayout, in place of its {@code message} resolver: the same text the
 * text format writes after {@code " - "} ({@link SafeMessageConverter}), scrubbed and escaped, as one JSON string. In a
 * template: {@code "message": {"$resolver": "safeMessage"}}.
 */
@Plugin(name = "SafeMessageResolverFactory", category = TemplateResolverFactory.CATEGORY)
public final class SafeMessageResolverFactory implements EventResolverFactory {

    private static final SafeMessageResolverFactory INSTANCE = new SafeMessageResolverFactory();
    private static final EventResolver RESOLVER = (event, json) -> write(event, json);

    private SafeMessageResolverFactory() {
    }

    @PluginFactory
    public static SafeMessageResolverFactory getInstance() {
        return INSTANCE;
    }

    @Override
    public String getName() {
        return "safeMessage";
    }

    @Override
    public EventResolver create(EventResolverContext context, TemplateResolverConfig config) {
        return RESOLVER;
    }

    private static void write(LogEvent event, JsonWriter json) {
        StringBuilder text = new StringBuilder(128);
        SafeMessageConverter.append(event.getMessage(), text);
        Escape.json(text, json.getStringBuilder());
    }
}
