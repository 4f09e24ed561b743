package io.vmta.mta.config;

import java.util.Locale;

/** What a listener is for; see DESIGN.md "Configuration". */
public enum ListenerMode {
  /** Port 25 role: mail for the local domains from anyone; relay only when trusted or authed. */
  MX,
  /** Port 587 role: STARTTLS then AUTH before MAIL. */
  SUBMISSION,
  /** Port 465 role: implicit TLS, AUTH before MAIL. */
  SMTPS;

  /** The name used in the configuration: {@code mx}, {@code submission} or {@code smtps}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The mode with this configuration name.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static ListenerMode fromJson(String name) {
    for (ListenerMode mode : values()) {
      if (mode.jsonName().equals(name)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("unknown listener mode: " + name);
  }
}
