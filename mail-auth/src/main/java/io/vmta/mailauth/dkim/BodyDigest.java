package io.vmta.mailauth.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * SHA-256 over at most the first {@code limit} octets of what a canonicalizer writes (the
 * {@code l=} tag, RFC 6376 3.5), counting all it writes, so that a body shorter than {@code l=}
 * can be told.
 */
final class BodyDigest extends MessageDigest {

  private final MessageDigest sha256;
  private final long limit;
  private long written;

  /** A digest of everything ({@code limit} negative) or of the first {@code limit} octets. */
  BodyDigest(long limit) {
    super("SHA-256");
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    this.limit = limit < 0 ? Long.MAX_VALUE : limit;
  }

  /** The octets of canonicalized body written, including those past the limit. */
  long written() {
    return written;
  }

  @Override
  protected void engineUpdate(byte input) {
    if (written < limit) {
      sha256.update(input);
    }
    written++;
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int len) {
    long room = limit - written;
    if (room > 0) {
      sha256.update(input, offset, (int) Math.min(len, room));
    }
    written += len;
  }

  @Override
  protected byte[] engineDigest() {
    return sha256.digest();
  }

  @Override
  protected void engineReset() {
    sha256.reset();
    written = 0;
  }
}
