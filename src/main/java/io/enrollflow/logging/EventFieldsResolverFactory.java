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
 * The {@code eventFields} resolver of JsonTemplateLayout: each field of an enrollflow line ({@link EventMessage})
 * becomes a field of the line's JSON object, next to the template's own ({@code "task":"39","stage":"enroll"}), so
 * Loki, Elasticsearch or Cloud Logging index them without a parsing rule. The fields are read as they were given, never
 * parsed back out of text: a value is one JSON string (scrubbed, {@link Scrub}; escaped, {@link Escape#json}) whatever
 * it holds, and cannot add a field. Other loggers' lines have no fields. In a template:
 * {@code "fields": {"$resolver": "eventFields", "taken": ["timestamp", "level", "message"]}}. The entry's name is not
 * written. {@code taken} lists the template's own field names: a key of that name is written with the prefix
 * {@code kv_} ({@code message} becomes {@code kv_message}), so no object holds a key twice.
 * <p>
 * Values stay strings: {@code task} is {@code 39} on one line and {@code -} on another, and an index that typed a field
 * by its first value would reject the next.
 */
@Plugin(name = "EventFieldsResolverFactory", category = TemplateResolverFactory.CATEGORY)
public final class EventFieldsResolverFactory implements EventResolverFactory {

    /** Before a key that the template uses itself. */
    static final String CLASH_PREFIX = "kv_";

    private static final EventFieldsResolverFactory INSTANCE = new EventFieldsResolverFactory();

    private EventFieldsResolverFactory() {
    }

    @PluginFactory
    public static EventFieldsResolverFactory getInstance() {
        return INSTANCE;
    }

    @Override
    public String getName() {
        return "eventFields";
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
        public boolean isResolvable(LogEvent event) {
            return event.getMessage() instanceof EventMessage;
        }

        @Override
        public void resolve(LogEvent event, JsonWriter json) {
            resolve(event, json, false);
        }

        @Override
        public void resolve(LogEvent event, JsonWriter json, boolean succeedingEntry) {
            if (!(event.getMessage() instanceof EventMessage fields)) {
                return;
            }
            StringBuilder out = json.getStringBuilder();
            for (int i = 0; i < fields.size(); i++) {
                if (succeedingEntry || i > 0) {
                    json.writeSeparator();
                }
                String key = fields.key(i);
                json.writeObjectKey(taken.contains(key) ? CLASH_PREFIX + key : key);
                Escape.json(Scrub.text(fields.value(i)), out);
            }
        }
    }
}
