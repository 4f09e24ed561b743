package io.vmta.smtp.core.x509;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few DER encodings (ITU-T X.690) an X.509 certificate needs: for the server's generated
 * certificate (smtp-server's {@code SelfSignedPair}) and the test CA of the relay's tests.
 */
public final class Der {

  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
  private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

  private Der() {
  }

  /** A value of {@code tag} with its length (short form below 128, else long form). */
  public static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = value.length;
    if (n < 128) {
      out.write(n);
    } else {
      byte[] len = BigInteger.valueOf(n).toByteArray();
      int skip = len[0] == 0 ? 1 : 0;
      out.write(0x80 | (len.length - skip));
      out.write(len, skip, len.length - skip);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  /** A SEQUENCE of already encoded elements. */
  public static byte[] sequence(byte[]... elements) {
    return tlv(0x30, concat(elements));
  }

  /** A SET of one or more already encoded elements (given in DER order). */
  public static byte[] set(byte[]... elements) {
    return tlv(0x31, concat(elements));
  }

  /** A context-specific constructed (EXPLICIT) tag around one element. */
  public static byte[] explicit(int number, byte[] element) {
    return tlv(0xA0 | number, element);
  }

  public static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray());
  }

  public static byte[] octetString(byte[] v) {
    return tlv(0x04, v);
  }

  /** A BIT STRING of whole bytes (no unused bits). */
  public static byte[] bitString(byte[] v) {
    return tlv(0x03, concat(new byte[] {0}, v));
  }

  public static byte[] nul() {
    return new byte[] {0x05, 0x00};
  }

  public static byte[] utf8String(String s) {
    return tlv(0x0C, s.getBytes(StandardCharsets.UTF_8));
  }

  /** An OBJECT IDENTIFIER from its dotted form, e.g. {@code 2.5.29.17}. */
  public static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      base128(out, Long.parseLong(arcs[i]));
    }
    return tlv(0x06, out.toByteArray());
  }

  /** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
  public static byte[] time(ZonedDateTime t) {
    ZonedDateTime utc = t.withZoneSameInstant(ZoneOffset.UTC);
    return utc.getYear() < 2050
        ? tlv(0x17, UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII))
        : tlv(0x18, GENERALIZED_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static void base128(ByteArrayOutputStream out, long v) {
    int groups = 1;
    for (long rest = v >>> 7; rest != 0; rest >>>= 7) {
      groups++;
    }
    for (int g = groups - 1; g >= 0; g--) {
      int b = (int) ((v >>> (7 * g)) & 0x7f);
      out.write(g == 0 ? b : b | 0x80);
    }
  }
}
