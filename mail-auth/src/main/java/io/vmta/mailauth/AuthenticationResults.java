package io.vmta.mailauth;

import io.vmta.mailauth.dkim.DkimOutcome;
import io.vmta.mailauth.dmarc.DmarcOutcome;
import io.vmta.mailauth.spf.SpfOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Authentication-Results:} header field (RFC 8601) that records our checks of a message,
 * and the removal of such fields that claim our authserv-id (RFC 8601 5).
 *
 * <pre>{@code
 * Authentication-Results: mx.example.test;
 *  spf=pass smtp.mailfrom=example.org;
 *  dkim=pass header.d=example.org header.s=s1 header.b=AbCdEfGh;
 *  dmarc=pass (p=reject dis=none) header.from=example.org
 * }</pre>
 *
 * <p>Each method checked gets one line of its own, folded with CRLF and a space so that no line
 * passes {@link #MAX_LINE} octets unless one unbreakable item (a domain of more than 60 octets)
 * does, which RFC 5322 2.1.1 allows up to 998. Nothing from the inputs reaches the header
 * unchecked: control characters (CR and LF among them) become spaces in comments and are removed
 * from values, non-ASCII becomes {@code ?}, values are quoted where RFC 2045's {@code token}
 * does not fit, and comments escape {@code (}, {@code )} and {@code \}.
 */
public final class AuthenticationResults {

  /** Lines are folded to at most this many octets, CRLF excluded (RFC 5322 2.1.1). */
  public static final int MAX_LINE = 78;
  /** Characters of a reason kept in a comment; the rest is cut and marked {@code ...}. */
  public static final int MAX_REASON = 160;
  /** Characters of a property value (a domain, a selector) kept. */
  public static final int MAX_VALUE = 255;
  /** DKIM results written at most; more signatures are summarised in one comment. */
  public static final int MAX_DKIM_RESULTS = 10;

  private final String authservId;
  private final SpfOutcome spf;
  private final List<DkimOutcome> dkim;
  private final DmarcOutcome dmarc;

  private AuthenticationResults(String authservId, SpfOutcome spf, List<DkimOutcome> dkim,
      DmarcOutcome dmarc) {
    this.authservId = authservId;
    this.spf = spf;
    this.dkim = dkim;
    this.dmarc = dmarc;
  }

  /**
   * A header for {@code authservId} (our host name) with no method yet; each method added with
   * {@link #spf}, {@link #dkim}, {@link #dmarc} is written, one left out is not.
   */
  public static AuthenticationResults of(String authservId) {
    if (authservId == null || authservId.isBlank()) {
      throw new IllegalArgumentException("authserv-id is empty");
    }
    return new AuthenticationResults(authservId.strip(), null, null, null);
  }

  /** With SPF's outcome ({@code smtp.mailfrom} or {@code smtp.helo}); null leaves SPF out. */
  public AuthenticationResults spf(SpfOutcome outcome) {
    return new AuthenticationResults(authservId, outcome, dkim, dmarc);
  }

  /** With DKIM's outcomes, one per signature ({@code dkim=none} when empty); null leaves DKIM out. */
  public AuthenticationResults dkim(List<DkimOutcome> outcomes) {
    return new AuthenticationResults(authservId, spf, outcomes == null ? null : List.copyOf(outcomes),
        dmarc);
  }

  /** With DMARC's outcome; null leaves DMARC out. */
  public AuthenticationResults dmarc(DmarcOutcome outcome) {
    return new AuthenticationResults(authservId, spf, dkim, outcome);
  }

  /**
   * The complete header field, {@code Authentication-Results:} to the final CRLF, ready to be
   * prepended to the message; {@code ; none} when no method is included (RFC 8601 2.2).
   */
  public String toHeader() {
    List<List<String>> results = new ArrayList<>();
    if (spf != null) {
      results.add(spfResult(spf));
    }
    if (dkim != null) {
      results.addAll(dkimResults(dkim));
    }
    if (dmarc != null) {
      results.add(dmarcResult(dmarc));
    }
    StringBuilder out = new StringBuilder(128 + 80 * results.size());
    out.append("Authentication-Results: ").append(HeaderText.value(authservId)).append(';');
    if (results.isEmpty()) {
      return out.append(" none\r\n").toString();
    }
    for (int i = 0; i < results.size(); i++) {
      List<String> words = new ArrayList<>(results.get(i));
      if (i < results.size() - 1) {
        words.set(words.size() - 1, words.get(words.size() - 1) + ";");
      }
      fold(out, words);
    }
    return out.append("\r\n").toString();
  }

  /**
   * {@code message} without the {@code Authentication-Results} fields of its header section whose
   * authserv-id is {@code authservId} (case-insensitive, comments and white space skipped), every
   * other byte unchanged; the same array when there is none. Linear in the header's size.
   */
  public static byte[] removeOwn(byte[] message, String authservId) {
    return OwnResultsRemover.remove(message, authservId);
  }

  private static List<String> spfResult(SpfOutcome o) {
    List<String> words = new ArrayList<>();
    words.add("spf=" + o.result().token());
    HeaderText.comment(o.reason(), words);
    String property = "helo".equalsIgnoreCase(o.scope()) ? "smtp.helo"
        : "mailfrom".equalsIgnoreCase(o.scope()) ? "smtp.mailfrom" : null;
    if (property != null && !o.domain().isEmpty()) {
      words.add(property + "=" + HeaderText.value(o.domain()));
    }
    return words;
  }

  private static List<List<String>> dkimResults(List<DkimOutcome> outcomes) {
    if (outcomes.isEmpty()) {
      return List.of(List.of("dkim=none"));
    }
    List<List<String>> results = new ArrayList<>();
    for (DkimOutcome o : outcomes.subList(0, Math.min(outcomes.size(), MAX_DKIM_RESULTS))) {
      List<String> words = new ArrayList<>();
      words.add("dkim=" + o.result().token());
      String reason = o.reason();
      if (results.size() == MAX_DKIM_RESULTS - 1 && outcomes.size() > MAX_DKIM_RESULTS) {
        reason = (reason.isEmpty() ? "" : reason + "; ")
            + (outcomes.size() - MAX_DKIM_RESULTS) + " more signatures not listed";
      }
      HeaderText.comment(reason, words);
      property(words, "header.d", o.domain());
      property(words, "header.s", o.selector());
      property(words, "header.b", o.signaturePrefix());
      results.add(words);
    }
    return results;
  }

  private static List<String> dmarcResult(DmarcOutcome o) {
    List<String> words = new ArrayList<>();
    words.add("dmarc=" + o.result().token());
    String comment = o.policy().map(p -> "p=" + p.token() + " dis=" + o.disposition().token())
        .orElse(o.reason());
    HeaderText.comment(comment, words);
    property(words, "header.from", o.fromDomain());
    return words;
  }

  private static void property(List<String> words, String name, String value) {
    if (value != null && !value.isEmpty()) {
      words.add(name + "=" + HeaderText.value(value));
    }
  }

  /** Appends CRLF, a space and {@code words}, folding before a word that would pass MAX_LINE. */
  private static void fold(StringBuilder out, List<String> words) {
    out.append("\r\n ");
    int lineLength = 1;
    boolean first = true;
    for (String word : words) {
      if (!first && lineLength + 1 + word.length() > MAX_LINE) {
        out.append("\r\n ");
        lineLength = 1;
        first = true;
      }
      if (!first) {
        out.append(' ');
        lineLength++;
      }
      out.append(word);
      lineLength += word.length();
      first = false;
    }
  }
}
