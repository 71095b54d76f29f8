package dev.sockettoolkit.tls;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * The JFR event for one TLS handshake, its duration the handshake's. One per connection, and a
 * handshake costs far more than the event, so the default threshold of zero records them all.
 * Whether a session was resumed is not recorded: the JDK's {@code SSLEngine} does not say.
 */
@Name("dev.sockettoolkit.TlsHandshake")
@Label("TLS Handshake")
@Category("Socket Toolkit")
@Description("A TLS handshake: what was agreed, or why it failed")
@StackTrace(false)
@Threshold("0 ms")
final class TlsHandshakeEvent extends Event {
  @Label("Side")
  @Description("client or server")
  String side;

  @Label("Protocol")
  @Description("The TLS version agreed, such as TLSv1.3; empty when the handshake failed")
  String protocol;

  @Label("Cipher Suite")
  String cipherSuite;

  @Label("Peer Principal")
  @Description("The subject of the peer's certificate; empty when it sent none")
  String peerPrincipal;

  @Label("ALPN")
  @Description("The application protocol agreed; empty when none")
  String alpn;

  @Label("Outcome")
  @Description("ok, a TlsHandshakeException reason in lower case (unknown_ca), timeout or failed")
  String outcome;

  @Label("Remote Address")
  String remoteAddress;
}
