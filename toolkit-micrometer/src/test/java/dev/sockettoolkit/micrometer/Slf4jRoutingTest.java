package dev.sockettoolkit.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.Server;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The tested example of docs/OBSERVABILITY.md: with slf4j-jdk-platform-logging on the class path,
 * the toolkit's {@code System.Logger} output goes to SLF4J, here to Logback, under the toolkit's
 * logger names.
 */
class Slf4jRoutingTest {
  @Test
  void toolkitLogLinesArriveInLogbackUnderTheirLoggerNames() throws Exception {
    Assumptions.assumeTrue(
        LoggerFactory.getILoggerFactory() instanceof LoggerContext,
        "SKIPPED LOUDLY: SLF4J is not bound to Logback in this execution");
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger toolkit = logback.getLogger("dev.sockettoolkit");
    toolkit.setLevel(Level.INFO);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setContext(logback);
    appender.start();
    toolkit.addAppender(appender);
    try {
      try (Server server =
          Server.builder()
              .handler(c -> {
                throw new IOException("the handler gave up");
              })
              .start()) {
        try (Connection c = Client.connect("127.0.0.1:" + server.port())) {
          c.read(ByteBuffer.allocate(1)); // the server closes once its handler threw
        }
      }
      ILoggingEvent event =
          appender.list.stream()
              .filter(e -> e.getFormattedMessage().contains("the handler gave up"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("not routed: " + appender.list));
      assertEquals("dev.sockettoolkit.core.Server", event.getLoggerName());
      assertEquals(Level.INFO, event.getLevel());
      assertTrue(event.getFormattedMessage().startsWith("connection from /127.0.0.1:"), event::getFormattedMessage);
    } finally {
      toolkit.detachAppender(appender);
    }
  }
}
