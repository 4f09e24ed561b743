package io.vmta.smtp.server;

import java.util.Locale;

/** What a listener is for; DESIGN.md "Configuration" defines each role. */
public enum ListenerMode {
  /** Port 25 role: mail for local domains from anyone; relaying only for trusted or authenticated clients. */
  MX,
  /** Port 587 role (RFC 6409): STARTTLS, then AUTH before MAIL. */
  SUBMISSION,
  /** Port 465 role (RFC 8314): implicit TLS, AUTH before MAIL. */
  SMTPS;

  /** The configuration word: {@code mx}, {@code submission} or {@code smtps}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the configuration word (lower case, as written in the configuration). */
  public static ListenerMode fromJson(String word) {
    for (ListenerMode mode : values()) {
      if (mode.jsonName().equals(word)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("must be one of mx, submission, smtps, got \"" + word + "\"");
  }
}
