/** The {@code toolkit} command: serve, connect, proxy, cert, bench and demo. */
module dev.sockettoolkit.cli {
  requires dev.sockettoolkit.core;
  requires dev.sockettoolkit.framing;
  requires dev.sockettoolkit.tls;
  requires dev.sockettoolkit.testkit;
  requires info.picocli;
  requires java.logging;

  opens dev.sockettoolkit.cli to
      info.picocli;
}
