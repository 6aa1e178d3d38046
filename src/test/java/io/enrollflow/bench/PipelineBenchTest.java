package io.enrollflow.bench;

import org.junit.jupiter.api.Test;

import java.util.stream.DoubleStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The arithmetic behind --rounds: the median the comparison is read from. */
class PipelineBenchTest {

    @Test
    void theMedianOfAnOddCountIsItsMiddleValueWhateverTheOrder() {
        assertEquals(0.97, PipelineBench.median(DoubleStream.of(1.24, 0.85, 0.97)));
        assertEquals(5.0, PipelineBench.median(DoubleStream.of(5.0)));
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertEquals(1.0, PipelineBench.median(DoubleStream.of(1.2, 0.8, 0.9, 1.1)), 1e-12);
    }
}
