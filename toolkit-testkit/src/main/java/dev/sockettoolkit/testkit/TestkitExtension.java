package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodecs;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Injects test fixtures into JUnit 5 tests and closes them after each test: in-memory connection
 * pairs, network conditions, a started echo server on an ephemeral loopback port, and test
 * certificates.
 *
 * <pre>{@code
 * @ExtendWith(TestkitExtension.class)
 * class MyProtocolTest {
 *   @Test
 *   void handlerAnswersPing(ConnectionPair pair) throws IOException { ... }      // perfect pipe
 *
 *   @Test
 *   void handlerSurvivesChunking(@Hostile ConnectionPair pair) throws IOException { ... }
 *
 *   @Test
 *   void clientTalksToRealSocket(Server echo) throws IOException {
 *     try (Connection c = Client.connect("127.0.0.1", echo.port(), ConnectionOptions.defaults())) { ... }
 *   }
 * }
 * }</pre>
 *
 * <p>Parameters it resolves: {@link ConnectionPair} (in memory; {@link Hostile @Hostile} for a
 * hostile network), {@link NetworkConditions} (hostile, from the seed), {@link Server} (an echo
 * server on {@code 127.0.0.1:0}, already running), {@link TestCertificates} and {@link MockPeer}
 * (a {@code MockPeer<String>} of UTF-8 lines, listening in memory; closed after the test).
 *
 * <p><b>Seeds.</b> Every test gets a seed: the system property {@code testkit.seed} when set,
 * otherwise a random one. When a test fails, the extension prints the seed and the conditions it
 * handed out, e.g. {@code testkit: MyProtocolTest.handlerSurvivesChunking failed with seed
 * 8113...; rerun with -Dtestkit.seed=8113...}.
 */
public final class TestkitExtension
    implements ParameterResolver, AfterEachCallback, TestExecutionExceptionHandler {
  /** The system property that fixes every test's seed, to repeat a failed run. */
  public static final String SEED_PROPERTY = "testkit.seed";

  private static final System.Logger LOG = System.getLogger(TestkitExtension.class.getName());
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TestkitExtension.class);

  /** Created by JUnit. */
  public TestkitExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ConnectionPair.class
        || type == NetworkConditions.class
        || type == Server.class
        || type == TestCertificates.class
        || type == MockPeer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Fixtures fixtures = fixtures(context);
    Class<?> type = parameter.getParameter().getType();
    try {
      if (type == TestCertificates.class) {
        return TestCertificates.get();
      }
      if (type == NetworkConditions.class) {
        return fixtures.conditions();
      }
      if (type == ConnectionPair.class) {
        ConnectionPair pair =
            parameter.isAnnotated(Hostile.class)
                ? Loopback.pair(fixtures.conditions())
                : Loopback.pair();
        return fixtures.closeLater(pair);
      }
      if (type == MockPeer.class) {
        return fixtures.closeLater(MockPeer.inMemory(FrameCodecs.lines().build()));
      }
      Server server = Server.builder().bind("127.0.0.1", 0).handler(TestkitExtension::echo).start();
      return fixtures.closeLater(server);
    } catch (IOException e) {
      throw new ParameterResolutionException("could not create " + type.getSimpleName(), e);
    }
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    Fixtures fixtures = fixtures(context);
    String message =
        "testkit: "
            + context.getRequiredTestClass().getSimpleName()
            + "."
            + context.getRequiredTestMethod().getName()
            + " failed with seed "
            + fixtures.seed
            + "; rerun with -D"
            + SEED_PROPERTY
            + "="
            + fixtures.seed
            + fixtures.describeConditions();
    System.err.println(message);
    failure.addSuppressed(new ReproduceWith(message));
    throw failure;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Fixtures fixtures = context.getStore(NAMESPACE).remove(Fixtures.class, Fixtures.class);
    if (fixtures != null) {
      fixtures.closeAll();
    }
  }

  private static Fixtures fixtures(ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Fixtures.class, k -> new Fixtures(), Fixtures.class);
  }

  /** Echoes bytes until the client half-closes, then half-closes back. */
  private static void echo(Connection connection) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    while (connection.read(buffer) >= 0) {
      buffer.flip();
      connection.write(buffer);
      buffer.clear();
    }
    connection.shutdownOutput();
  }

  /** What one test was given, so it can be closed and described. */
  private static final class Fixtures {
    final long seed;
    private final Random random;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<NetworkConditions> handedOut = new ArrayList<>();

    Fixtures() {
      String fixed = System.getProperty(SEED_PROPERTY);
      this.seed = fixed != null ? Long.parseLong(fixed.trim()) : new Random().nextLong();
      this.random = new Random(seed);
    }

    synchronized NetworkConditions conditions() {
      NetworkConditions conditions =
          NetworkConditions.builder()
              .seed(random.nextLong())
              .chunking(pick(Chunking.oneByte(), Chunking.random(7), Chunking.random(1500)))
              .bufferSize(1 + random.nextInt(16 * 1024))
              .build();
      handedOut.add(conditions);
      return conditions;
    }

    private Chunking pick(Chunking... choices) {
      return choices[random.nextInt(choices.length)];
    }

    synchronized <T extends AutoCloseable> T closeLater(T resource) {
      resources.push(resource);
      return resource;
    }

    synchronized String describeConditions() {
      StringBuilder s = new StringBuilder();
      for (NetworkConditions c : handedOut) {
        s.append(System.lineSeparator()).append("  ").append(c);
      }
      return s.toString();
    }

    synchronized void closeAll() {
      while (!resources.isEmpty()) {
        AutoCloseable resource = resources.pop();
        try {
          resource.close();
        } catch (Exception e) {
          LOG.log(Level.WARNING, "closing test fixture " + resource + " failed", e);
        }
      }
    }
  }

  /** Attached to a failure so the seed shows in the test report too. */
  private static final class ReproduceWith extends Exception {
    private static final long serialVersionUID = 1L;

    ReproduceWith(String message) {
      super(message, null, false, false);
    }
  }
}
