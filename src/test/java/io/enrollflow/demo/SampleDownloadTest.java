package io.enrollflow.demo;

import io.enrollflow.config.DownloadCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleDownloadTest {

    @Test
    void theCommandSettingSplitsBackIntoTheJavaBinaryTheClasspathTheClassAndThePlaceholders() {
        List<String> words = DownloadCommand.parse(SampleDownload.commandSetting()).words();

        assertEquals(List.of(SampleDownload.javaBinary(), "-cp",
                SampleDownload.absoluteClasspath(System.getProperty("java.class.path")),
                SampleDownload.class.getName(), "${courseUrl}", "${taskDir}", "${quality}"), words);
    }

    @Test
    void aQuotedWordKeepsItsBlanksSingleQuotesAndDollarSigns() {
        String word = "/opt/o'brien's tools/$HOME \"x\"/enrollflow.jar";

        List<String> words = DownloadCommand.parse("java -cp " + SampleDownload.quote(word) + " Main").words();

        assertEquals(List.of("java", "-cp", word, "Main"), words);
    }

    @Test
    void classpathEntriesAreMadeAbsoluteSinceTheCommandRunsInTheTaskFolder() {
        String separator = java.io.File.pathSeparator;

        String classpath = SampleDownload.absoluteClasspath("target/enrollflow.jar" + separator + separator + "lib/x.jar");

        assertEquals(Path.of("target/enrollflow.jar").toAbsolutePath() + separator + Path.of("lib/x.jar").toAbsolutePath(),
                classpath);
    }

    @Test
    void writesASmallCourseTreeThatNamesItsUrlAndQuality(@TempDir Path taskDir) throws Exception {
        String url = "https://courses.example.com/course/java-101/";

        List<Path> written = SampleDownload.write(url, taskDir, 1080, false);

        assertEquals(4, written.size());
        for (Path file : written) {
            assertTrue(Files.size(taskDir.resolve(file)) > 0, file + " is empty");
        }
        String readme = Files.readString(taskDir.resolve("README.txt"));
        assertTrue(readme.contains(url) && readme.contains("1080p"), readme);
        assertTrue(Files.size(taskDir.resolve("Module 1 - Basics/02 First steps (1080p).video")) > 4096);
    }

    @Test
    void theCourseNameIsTheUrlsLastPathSegment() {
        assertEquals("java-101", SampleDownload.courseName("https://courses.example.com/course/java-101/"));
        assertEquals("sql", SampleDownload.courseName("https://courses.example.com/sql?x=1"));
        assertEquals("course", SampleDownload.courseName("https://courses.example.com/"));
    }
}
