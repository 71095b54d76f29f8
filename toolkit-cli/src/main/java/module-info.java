/** The {@code toolkit} command. */
module dev.sockettoolkit.cli {
  requires dev.sockettoolkit.core;
  requires dev.sockettoolkit.framing;
  requires dev.sockettoolkit.tls;
  requires info.picocli;
}
