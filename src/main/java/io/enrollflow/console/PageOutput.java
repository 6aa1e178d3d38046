package io.enrollflow.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.TemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import io.enrollflow.task.TaskParser;

/**
 * Where every console page is rendered: the JTE templates in {@code src/main/jte} (compiled with the code into this
 * package) written through one output that (1) escapes each {@code ${value}} for the place it stands (JTE's
 * {@link ContentType#Html}: element text, attribute value) and (2) first shows invisible control characters as
 * visible escapes ({@link #visible}). Every {@code ${...}} of every template passes through {@link #writeUserContent},
 * so no page can forget either step.
 * <p>
 * Why visible escapes and not {@code <bdi>} or {@code dir="auto"}: isolation only keeps an override from spilling into
 * the text around its element; inside the element, "invoice", U+202E, "gnp.exe" would still read "invoiceexe.png".
 * Escaping shows the operator exactly which code points the value holds (as the CLI does, docs/contract.md §10),
 * works the same in attribute values and {@code <title>} where no element can wrap the text, and leaves the pages'
 * markup unchanged. Line feeds, carriage returns and tabs stay: log tails and payloads are shown in {@code <pre>}.
 */
final class PageOutput extends OwaspHtmlTemplateOutput {

    /** The templates' package: the generate goal of jte-maven-plugin writes them here (see pom.xml). */
    private static final String TEMPLATES = "io.enrollflow.console";
    private static final TemplateEngine ENGINE = engine();

    PageOutput(TemplateOutput output) {
        super(output);
    }

    /** Renders {@code src/main/jte/<template>} with its one parameter, the page's view. */
    static String render(String template, Object page) {
        StringOutput html = new StringOutput(8192);
        ENGINE.render(template, page, new PageOutput(html));
        return html.toString();
    }

    @Override
    public void writeUserContent(String value) {
        super.writeUserContent(visible(value));
    }

    /** A content block inside an attribute value is collected first, then escaped: its values pass here. */
    @Override
    protected OutputForAttributeContent createOutputForAttributeContent() {
        return new OutputForAttributeContent() {
            @Override
            public void writeUserContent(String value) {
                super.writeUserContent(visible(value));
            }
        };
    }

    /**
     * The text with every bidi control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), every other control
     * character but line feed, carriage return and tab, and the line and paragraph separators shown as a backslash,
     * {@code u} and four hex digits (a backslash, {@code x} and two below U+0080), as the CLI prints them; other text
     * unchanged.
     */
    static String visible(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean shown = c == '\n' || c == '\r' || c == '\t' || !TaskParser.unsafeInText(c);
            if (shown) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            out.append(c < 0x80 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
        }
        return out == null ? text : out.toString();
    }

    /**
     * The precompiled templates, found through this class's loader: JTE looks them up through the thread's context
     * loader when the engine is made, which on a management server thread need not be the one that loaded the jar.
     */
    private static TemplateEngine engine() {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(PageOutput.class.getClassLoader());
        try {
            return TemplateEngine.createPrecompiled(null, ContentType.Html, null, TEMPLATES);
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
