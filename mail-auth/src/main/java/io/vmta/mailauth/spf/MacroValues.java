package io.vmta.mailauth.spf;

import java.time.Clock;

/** What the macro letters of RFC 7208 section 7.2 stand for in one check, and their expansion. */
final class MacroValues {

  /** Characters an expanded explanation keeps; the rest is cut (our bound, not the RFC's). */
  static final int MAX_EXPLANATION_LENGTH = 1024;
  /** An expansion longer than this keeps only its tail, which is all a 253-octet name can use. */
  private static final int EXPANSION_TRIM_AT = 4096;
  private static final int EXPANSION_KEEP = 1024;

  private final ClientAddress client;
  private final String sender;
  private final String local;
  private final String senderDomain;
  private final String helo;
  private final String receiver;
  private final Clock clock;

  MacroValues(ClientAddress client, String local, String senderDomain, String helo,
      String receiver, Clock clock) {
    this.client = client;
    this.local = local;
    this.senderDomain = senderDomain;
    this.sender = local + "@" + senderDomain;
    this.helo = helo;
    this.receiver = receiver;
    this.clock = clock;
  }

  /**
   * Expands {@code spec} (7.3) with {@code domain} as {@code %{d}} and {@code ptr} as {@code %{p}};
   * explanations are cut at {@link #MAX_EXPLANATION_LENGTH}.
   */
  String expand(MacroString spec, String domain, String ptr, boolean explain) {
    StringBuilder out = new StringBuilder();
    for (MacroString.Token token : spec.tokens()) {
      if (token instanceof MacroString.Literal literal) {
        out.append(literal.text());
      } else if (token instanceof MacroString.Macro macro) {
        out.append(MacroString.transform(macro, value(macro.letter(), domain, ptr)));
      }
      if (explain && out.length() > MAX_EXPLANATION_LENGTH) {
        out.setLength(MAX_EXPLANATION_LENGTH);
        break;
      }
      if (!explain && out.length() > EXPANSION_TRIM_AT) {
        // Only the last 253 octets can survive truncation (7.3); keep a margin for the label cut.
        out.delete(0, out.length() - EXPANSION_KEEP);
      }
    }
    return out.toString();
  }

  private String value(char letter, String domain, String ptr) {
    return switch (letter) {
      case 's' -> sender;
      case 'l' -> local;
      case 'o' -> senderDomain;
      case 'd' -> domain;
      case 'i' -> client.dotted();
      case 'p' -> ptr;
      case 'v' -> client.version();
      case 'h' -> helo;
      case 'c' -> client.readable();
      case 'r' -> receiver;
      case 't' -> Long.toString(clock.millis() / 1000);
      default -> throw new IllegalStateException("macro letter " + letter);
    };
  }
}
