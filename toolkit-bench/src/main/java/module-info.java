/** Benchmarks of the toolkit side by side with Netty. */
module dev.sockettoolkit.bench {
  requires dev.sockettoolkit.core;
  requires dev.sockettoolkit.framing;
  requires dev.sockettoolkit.tls;
  requires jmh.core;
  requires io.netty.handler;
  requires io.netty.codec;
}
