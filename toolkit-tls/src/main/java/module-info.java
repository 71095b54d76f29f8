/** TLS over any {@code Connection}. */
module dev.sockettoolkit.tls {
  requires transitive dev.sockettoolkit.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
}
