package dev.sockettoolkit.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@link TestkitExtension} for a {@code ConnectionPair} or {@link NetworkConditions} drawn
 * from the test's seed: random chunking, small buffers and a little latency, no faults.
 *
 * <pre>{@code
 * @Test
 * void survivesOneByteReads(@Hostile ConnectionPair pair) throws IOException { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Hostile {}
