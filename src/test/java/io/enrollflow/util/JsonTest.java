package io.enrollflow.util;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §10: JSON enrollflow writes never carries a character that misleads a reader raw. */
class JsonTest {

    @Test
    void aBidiOverrideIsWrittenAsAnEscapeAndReadsBackTheSame() throws Exception {
        ObjectNode node = Json.MAPPER.createObjectNode().put("orderId", "invoice\u202egnp.exe");

        String written = Json.write(node);

        assertEquals("{\"orderId\":\"invoice\\u202egnp.exe\"}", written);
        assertEquals("invoice\u202egnp.exe", Json.MAPPER.readTree(written).path("orderId").asText());
    }

    @Test
    void everyControlSeparatorAndBidiCharacterIsEscapedAndNothingElseIs() throws Exception {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c <= 0x2FFF; c++) {
            if (!Character.isSurrogate((char) c)) {
                all.append((char) c);
            }
        }
        String written = Json.write(Json.MAPPER.createObjectNode().put("text", all.toString()));

        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            assertFalse(UnsafeText.isUnsafe(c), "raw U+" + Integer.toHexString(c) + " at " + i);
        }
        for (int c : new int[] {0x00, 0x1b, 0x7f, 0x85, 0x9f, 0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202e,
                0x2066, 0x2069}) {
            assertTrue(written.contains(String.format("\\u%04x", c)), "U+" + Integer.toHexString(c) + " escaped");
        }
        assertTrue(written.contains("\\n") && written.contains("\\t") && written.contains("\\\""), "JSON's short escapes");
        for (String kept : new String[] {"ä", "€", "\u00a0", "\u200b", "\u2027", "\u202f", "\u2065", "\u206a"}) {
            assertTrue(written.contains(kept), "other non-ASCII text is kept as it is: " + kept);
        }
        JsonNode back = Json.MAPPER.readTree(written);
        assertEquals(all.toString(), back.path("text").asText());
    }

    @Test
    void prettyPrintedJsonEscapesTheSame() throws Exception {
        String pretty = Json.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsString(Json.MAPPER.createObjectNode().put("note", "a\u2028b\u2066c"));

        assertTrue(pretty.contains("a\\u2028b\\u2066c"), pretty);
    }
}
