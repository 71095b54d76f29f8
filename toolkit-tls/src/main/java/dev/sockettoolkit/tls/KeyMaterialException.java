package dev.sockettoolkit.tls;

import java.io.IOException;
import java.util.Objects;

/**
 * Key or trust material could not be loaded. {@link #reason()} says why in a form a program can
 * act on; the message says it for a person, naming the file and the fix.
 *
 * <pre>{@code
 * try {
 *   KeyMaterial key = KeyMaterial.fromPem(chain, keyFile, password);
 * } catch (KeyMaterialException e) {
 *   if (e.reason() == KeyMaterialException.Reason.WRONG_PASSWORD) {
 *     // ask again
 *   }
 * }
 * }</pre>
 */
public class KeyMaterialException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why loading failed. */
  public enum Reason {
    /** The password does not decrypt the key or keystore. */
    WRONG_PASSWORD,
    /** The key is encrypted and no password was given. */
    PASSWORD_REQUIRED,
    /** The private key does not belong to the first certificate of the chain. */
    KEY_MISMATCH,
    /** The file is in a format this library does not read. */
    UNSUPPORTED_FORMAT,
    /** The file holds no certificate, or no private key, where one was expected. */
    MISSING,
    /** A certificate's validity ended. */
    EXPIRED,
    /** A certificate's validity has not begun yet (often a clock problem). */
    NOT_YET_VALID,
    /** The file could not be read or parsed. */
    UNREADABLE
  }

  private final Reason reason;

  /** Creates the exception with its reason and a message for a person. */
  public KeyMaterialException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Creates the exception with its reason, a message for a person, and the low-level cause. */
  public KeyMaterialException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why loading failed. */
  public Reason reason() {
    return reason;
  }
}
