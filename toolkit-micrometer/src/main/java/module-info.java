/**
 * Socket Toolkit's connection metrics as Micrometer meters: bind a server's or a group of
 * clients' {@link dev.sockettoolkit.core.ConnectionMetrics} to a {@code MeterRegistry} with
 * {@link dev.sockettoolkit.micrometer.ToolkitMeters}.
 */
@SuppressWarnings("requires-transitive-automatic") // micrometer-core names its module only in its manifest
module dev.sockettoolkit.micrometer {
  requires transitive dev.sockettoolkit.core;
  requires dev.sockettoolkit.tls;
  requires transitive micrometer.core;

  exports dev.sockettoolkit.micrometer;
}
