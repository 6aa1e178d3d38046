package io.enrollflow.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The one Jackson mapper enrollflow reads and writes JSON with. What it writes (the API's answers, {@code status
 * --json}, {@code dlq list|show --json}, the status callbacks, the dead-letter records) carries every character
 * {@link UnsafeText} names as a {@code \}{@code uXXXX} escape, never raw: such JSON printed to a terminal or shown by a
 * viewer cannot move the cursor or reorder what is read, and it still parses back to the same text
 * (docs/contract.md §10). Other non-ASCII text stays as it is, readable.
 * <p>
 * Write with {@link #write(JsonNode)} or this mapper's writers: a node's own {@code toString()} goes through Jackson's
 * internal mapper, which knows nothing of these escapes.
 */
public final class Json {

    /** Thread-safe once built; shared by every reader and writer. */
    public static final ObjectMapper MAPPER = JsonMapper.builder(new JsonFactory().setCharacterEscapes(new Escapes()))
            .build();

    private Json() {
    }

    /** The node as one line of JSON, with the escapes above. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            // a tree of nodes always serialises; nothing is written anywhere but a string
            throw new UncheckedIOException("cannot write JSON", e);
        }
    }

    /**
     * JSON's short escapes for quote, backslash, {@code \n}, {@code \r}, {@code \t}, {@code \b} and {@code \f}; a
     * {@code \}{@code uXXXX} (lower-case, as JavaScript and Python write it) for the rest of C0, DEL, C1, U+2028, U+2029
     * and the bidi controls.
     */
    private static final class Escapes extends CharacterEscapes {

        private final int[] ascii;

        Escapes() {
            ascii = CharacterEscapes.standardAsciiEscapesForJSON();
            for (int c = 0; c < ascii.length; c++) {
                if (ascii[c] == CharacterEscapes.ESCAPE_STANDARD) {
                    ascii[c] = CharacterEscapes.ESCAPE_CUSTOM;
                }
            }
            ascii[0x7F] = CharacterEscapes.ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int c) {
            return UnsafeText.isUnsafe(c) ? new SerializedString(String.format(Locale.ROOT, "\\u%04x", c)) : null;
        }
    }
}
