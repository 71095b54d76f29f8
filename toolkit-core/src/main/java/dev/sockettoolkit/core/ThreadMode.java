package dev.sockettoolkit.core;

import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What kind of thread a {@link Server} runs each connection's handler on.
 *
 * <p>The toolkit is built for Java 17 and detects at run time whether the JVM has virtual threads
 * (Java 21 and newer). {@link #best()} picks them when it can; setting the system property {@code
 * dev.sockettoolkit.threads=platform} forces platform threads.
 *
 * <pre>{@code
 * Server server = Server.builder().handler(echo).start();
 * System.out.println("handlers run on " + server.threadMode() + " threads");
 * }</pre>
 */
public enum ThreadMode {
  /** One virtual thread per connection: cheap enough for hundreds of thousands of connections. */
  VIRTUAL,
  /** One platform (OS) thread per connection, the only choice before Java 21. */
  PLATFORM;

  /** The system property that forces a mode: {@code virtual} or {@code platform}. */
  public static final String PROPERTY = "dev.sockettoolkit.threads";

  private static final VirtualThreadBuilder VIRTUAL_THREADS = VirtualThreadBuilder.find();

  /** Virtual threads when this JVM has them and the {@value #PROPERTY} property does not say otherwise. */
  public static ThreadMode best() {
    String forced = System.getProperty(PROPERTY, "");
    if (forced.equalsIgnoreCase("platform")) {
      return PLATFORM;
    }
    return isAvailable(VIRTUAL) ? VIRTUAL : PLATFORM;
  }

  /** Whether this JVM can run threads of {@code mode}. */
  public static boolean isAvailable(ThreadMode mode) {
    return mode == PLATFORM || VIRTUAL_THREADS != null;
  }

  /** A factory of threads of this mode named {@code prefix-N}; platform threads are daemons. */
  ThreadFactory factory(String prefix) {
    if (this == VIRTUAL) {
      if (VIRTUAL_THREADS == null) {
        throw new IllegalStateException(
            "virtual threads need Java 21 or newer; this JVM is " + Runtime.version());
      }
      return VIRTUAL_THREADS.factory(prefix + "-");
    }
    AtomicLong count = new AtomicLong();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * {@code Thread.ofVirtual().name(prefix, 1).factory()}, reached by reflection so the toolkit
   * compiles for Java 17. On Java 19 and 20 virtual threads are a preview that throws unless
   * enabled; that counts as unavailable.
   */
  private static final class VirtualThreadBuilder {
    private final Method ofVirtual;
    private final Method name;
    private final Method factory;

    private VirtualThreadBuilder(Method ofVirtual, Method name, Method factory) {
      this.ofVirtual = ofVirtual;
      this.name = name;
      this.factory = factory;
    }

    static VirtualThreadBuilder find() {
      try {
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        VirtualThreadBuilder found =
            new VirtualThreadBuilder(
                Thread.class.getMethod("ofVirtual"),
                builderType.getMethod("name", String.class, long.class),
                builderType.getMethod("factory"));
        found.factory("probe-");
        return found;
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return null;
      }
    }

    ThreadFactory factory(String prefix) {
      try {
        return (ThreadFactory) factory.invoke(name.invoke(ofVirtual.invoke(null), prefix, 1L));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("could not create a virtual thread factory", e);
      }
    }
  }
}
