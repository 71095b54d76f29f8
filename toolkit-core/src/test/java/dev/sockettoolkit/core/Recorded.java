package dev.sockettoolkit.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/** Runs code under a JFR recording of the toolkit's events and reads them back from the file. */
final class Recorded {
  private Recorded() {}

  /** What the tests run under a recording. */
  interface Action {
    void run() throws Exception;
  }

  /** Runs {@code action} while recording {@code events} (every threshold zero); returns them. */
  static List<RecordedEvent> events(Action action, String... events) throws Exception {
    Path file = Files.createTempFile("toolkit-events", ".jfr");
    try {
      try (Recording recording = new Recording()) {
        for (String event : events) {
          recording.enable(event).withThreshold(Duration.ZERO).withoutStackTrace();
        }
        recording.start();
        action.run();
        recording.stop();
        recording.dump(file);
      }
      // Events not enabled here are recorded too, by their default settings: keep the asked ones.
      List<String> asked = List.of(events);
      return RecordingFile.readAllEvents(file).stream()
          .filter(e -> asked.contains(e.getEventType().getName()))
          .collect(Collectors.toList());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** The events whose {@code field} is {@code value}. */
  static List<RecordedEvent> where(List<RecordedEvent> events, String field, String value) {
    return events.stream()
        .filter(e -> value.equals(e.getString(field)))
        .collect(Collectors.toList());
  }
}
