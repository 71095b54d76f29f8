package dev.sockettoolkit.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.Server;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The tested example of docs/OBSERVABILITY.md: with slf4j-jdk-platform-logging and
 * log4j-slf4j2-impl on the class path, the toolkit's {@code System.Logger} output goes through
 * SLF4J to Log4j2 under the toolkit's logger names. Runs in its own surefire execution, without
 * Logback (SLF4J binds one provider).
 */
class Log4j2RoutingTest {
  /** Keeps what it is given, for the assertions. */
  private static final class Collecting extends AbstractAppender {
    final List<LogEvent> events = new CopyOnWriteArrayList<>();

    Collecting() {
      super("collecting", null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent event) {
      events.add(event.toImmutable());
    }
  }

  @Test
  void toolkitLogLinesArriveInLog4j2UnderTheirLoggerNames() throws Exception {
    // Run alone (-Dtest=...), surefire runs it in the default execution too, where SLF4J has Logback.
    Assumptions.assumeTrue(
        org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName().startsWith("org.apache.logging"),
        "SKIPPED LOUDLY: SLF4J is not bound to Log4j2 in this execution (see the log4j2-routing"
            + " execution in toolkit-micrometer/pom.xml)");
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    Collecting appender = new Collecting();
    appender.start();
    config.addAppender(appender);
    config.getRootLogger().addAppender(appender, Level.ALL, null);
    Configurator.setLevel("dev.sockettoolkit", Level.INFO);
    context.updateLoggers();
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
    LogEvent event =
        appender.events.stream()
            .filter(e -> e.getMessage().getFormattedMessage().contains("the handler gave up"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("not routed: " + appender.events));
    assertEquals("dev.sockettoolkit.core.Server", event.getLoggerName());
    assertEquals(Level.INFO, event.getLevel());
    assertTrue(
        event.getMessage().getFormattedMessage().startsWith("connection from /127.0.0.1:"),
        event.getMessage()::getFormattedMessage);
  }
}
