package io.enrollflow.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/contract.md §10: text from tasks, APIs or the download reaches the terminal with its control characters escaped. */
class TerminalTest {

    @Test
    void escapeSequencesAndBidiControlsAreShownEscaped() {
        assertEquals("a\\x1b[2Jb\\x07c\\u202ed\\u2028e\\x0df\\x0ag\\x7f\\u0085",
                Terminal.line("a\u001b[2Jb\u0007c\u202ed\u2028e\rf\ng\u007f\u0085"));
    }

    @Test
    void aLogTailKeepsItsLinesAndTabsButNotItsEscapes() {
        assertEquals("one\n\ttwo \\x1b]0;owned\\x07\n", Terminal.lines("one\n\ttwo \u001b]0;owned\u0007\n"));
    }

    @Test
    void plainTextIsLeftAsItIs() {
        assertEquals("Kurs geschlossen – bitte später (ü) 🙂", Terminal.line("Kurs geschlossen – bitte später (ü) 🙂"));
    }
}
