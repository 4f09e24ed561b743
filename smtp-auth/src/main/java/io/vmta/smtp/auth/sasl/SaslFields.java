package io.vmta.smtp.auth.sasl;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Decoding of the identity and password fields shared by the mechanisms. */
final class SaslFields {

  /** Longest identity or password in octets; RFC 4616 section 2 requires accepting 255. */
  static final int MAX_FIELD_OCTETS = 255;

  private SaslFields() {
  }

  /**
   * An identity (authcid, authzid, LOGIN user name): 1..255 octets of strict UTF-8 without
   * control characters, or null. RFC 4616 would allow controls, but an identity is a mail
   * address here (see UsersFile), and refusing CR, LF and friends keeps them out of logs.
   */
  static String identity(byte[] bytes, int offset, int length) {
    String text = text(bytes, offset, length);
    if (text == null) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        return null;
      }
    }
    return text;
  }

  /** A password: 1..255 octets of strict UTF-8 without NUL (RFC 4616 section 2), or null. */
  static String password(byte[] bytes, int offset, int length) {
    return text(bytes, offset, length);
  }

  /** The whole of a response as an identity, or null. */
  static String identity(byte[] bytes) {
    return identity(bytes, 0, bytes.length);
  }

  /** The whole of a response as a password, or null. */
  static String password(byte[] bytes) {
    return password(bytes, 0, bytes.length);
  }

  private static String text(byte[] bytes, int offset, int length) {
    if (length < 1 || length > MAX_FIELD_OCTETS) {
      return null;
    }
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == 0) {
        return null;
      }
    }
    // Strict: malformed, overlong (C0 80 is not a NUL in disguise) and surrogate forms fail.
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer chars;
    try {
      chars = decoder.decode(ByteBuffer.wrap(bytes, offset, length));
    } catch (CharacterCodingException e) {
      return null;
    }
    String text = chars.toString();
    if (chars.hasArray()) {
      Arrays.fill(chars.array(), '\0'); // the only copy that is ours to wipe
    }
    return text;
  }
}
