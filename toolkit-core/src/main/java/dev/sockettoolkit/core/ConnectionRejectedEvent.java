package dev.sockettoolkit.core;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The JFR event for a connection a {@link Server} refused, naming the rule that refused it. */
@Name("dev.sockettoolkit.ConnectionRejected")
@Label("Connection Rejected")
@Category("Socket Toolkit")
@Description("A connection the server accepted and at once refused, and the rule that refused it")
@StackTrace(false)
final class ConnectionRejectedEvent extends Event {
  @Label("Rule")
  @Description("The limit or rule that refused the connection: max_connections or proxy_protocol")
  String rule;

  @Label("Detail")
  String detail;

  @Label("Local Address")
  String localAddress;

  @Label("Remote Address")
  String remoteAddress;
}
