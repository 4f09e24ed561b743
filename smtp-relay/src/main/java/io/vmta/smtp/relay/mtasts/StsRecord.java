package io.vmta.smtp.relay.mtasts;

import java.util.List;

/**
 * The {@code _mta-sts.<domain>} TXT record (RFC 8461 section 3.1): of the records, those that
 * begin with {@code v=STSv1;} count; exactly one must, with an {@code id} of 1 to 32 letters and
 * digits, else the domain has no available policy.
 */
final class StsRecord {

  private StsRecord() {
  }

  /** The {@code id} of the one valid record among {@code texts}, or null when there is none. */
  static String id(List<String> texts) {
    List<String> sts = texts.stream().filter(t -> t.startsWith("v=STSv1;") || t.equals("v=STSv1")).toList();
    if (sts.size() != 1) {
      return null;
    }
    String id = null;
    String[] fields = sts.get(0).split(";", -1);
    for (int i = 1; i < fields.length; i++) {
      String field = fields[i].strip();
      if (field.isEmpty() && i == fields.length - 1) {
        break;  // the optional trailing separator
      }
      int eq = field.indexOf('=');
      if (eq <= 0) {
        return null;
      }
      if (field.startsWith("id=") && id == null) {
        id = field.substring(3);
      }
    }
    return id != null && id.matches("[A-Za-z0-9]{1,32}") ? id : null;
  }
}
