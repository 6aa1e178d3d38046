package io.enrollflow.console;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ViewReadsTest {

    @Test
    void aStoredPayloadNamesItsTaskByAnyOfTheThreeSpellings() {
        assertEquals("39", ViewReads.taskIdOf("{\"taskId\":\"39\"}"));
        assertEquals("40", ViewReads.taskIdOf("{\"id\":40}"));
        assertEquals("41", ViewReads.taskIdOf("{\"task_id\":\"41\"}"));
    }

    @Test
    void aPayloadThatIsNotAJsonObjectOrHasNoIdNamesNoTask() {
        assertNull(ViewReads.taskIdOf("not json"));
        assertNull(ViewReads.taskIdOf("[1,2]"));
        assertNull(ViewReads.taskIdOf("{\"taskId\":{\"nested\":1}}"));
        assertNull(ViewReads.taskIdOf("{\"orderId\":\"1007\"}"));
    }

    @Test
    void aMissingOrUnreadableCounterCountsAsZero() {
        assertEquals(0, ViewReads.number(null));
        assertEquals(0, ViewReads.number("x"));
        assertEquals(12, ViewReads.number("12"));
        assertEquals("", ViewReads.str(null));
    }
}
