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

import java.util.List;
import java.util.Set;

/**
 * The {@code messageFields} resolver of JsonTemplateLayout: every {@code key=value} of the message ({@link KeyValues})
 * becomes a field of the line's JSON object, next to the template's own fields ({@code "task":"39","stage":"enroll"}),
 * so Loki, Elasticsearch or Cloud Logging index them without a parsing rule. In a template:
 * {@code "fields": {"$resolver": "messageFields", "taken": ["timestamp", "level", "message"]}}. The entry's name is not
 * written. {@code taken} lists the template's own field names: a message's key of that name is written with the prefix
 * {@code kv_} ({@code message="course not found"} becomes {@code "kv_message"}), so no object holds a key twice.
 * <p>
 * Values stay strings: {@code task} is {@code 39} on one line and {@code -} on another, and an index that typed a field
 * by its first value would reject the next. Text is written by the message's own code, masked already (util.Masking);
 * this adds nothing that is not in the message.
 */
@Plugin(name = "MessageFieldsResolverFactory", category = TemplateResolverFactory.CATEGORY)
public final class MessageFieldsResolverFactory implements EventResolverFactory {

    /** Before a message's key that the template uses itself. */
    static final String CLASH_PREFIX = "kv_";

    private static final MessageFieldsResolverFactory INSTANCE = new MessageFieldsResolverFactory();

    private MessageFieldsResolverFactory() {
    }

    @PluginFactory
    public static MessageFieldsResolverFactory getInstance() {
        return INSTANCE;
    }

    @Override
    public String getName() {
        return "messageFields";
    }

    @Override
    public EventResolver create(EventResolverContext context, TemplateResolverConfig config) {
        List<String> taken = config.getList("taken", String.class);
        return new Resolver(taken == null ? Set.of() : Set.copyOf(taken));
    }

    private static final class Resolver implements EventResolver {

        private final Set<String> taken;

        Resolver(Set<String> taken) {
            this.taken = taken;
        }

        @Override
        public boolean isFlattening() {
            return true;
        }

        @Override
        public void resolve(LogEvent event, JsonWriter json) {
            resolve(event, json, false);
        }

        @Override
        public void resolve(LogEvent event, JsonWriter json, boolean succeedingEntry) {
            boolean separate = succeedingEntry;
            for (KeyValues.Pair pair : KeyValues.parse(event.getMessage().getFormattedMessage())) {
                if (separate) {
                    json.writeSeparator();
                }
                json.writeObjectKey(taken.contains(pair.key()) ? CLASH_PREFIX + pair.key() : pair.key());
                json.writeString(pair.value());
                separate = true;
            }
        }
    }
}
