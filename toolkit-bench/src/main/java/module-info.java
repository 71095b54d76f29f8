/**
 * Benchmarks of the toolkit side by side with Netty: JMH codec microbenchmarks and the loopback
 * comparison {@code dev.sockettoolkit.bench.LoopbackBenchmark}. Run from the shaded jar on the class
 * path; the module descriptor keeps the compile-time dependencies honest.
 */
module dev.sockettoolkit.bench {
  requires dev.sockettoolkit.core;
  requires dev.sockettoolkit.framing;
  requires dev.sockettoolkit.tls;
  requires jmh.core;
  requires HdrHistogram;
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires io.netty.handler;
  requires io.netty.codec;
  requires java.logging;
  requires java.management;
  requires jdk.management;
  requires jdk.jfr;
}
