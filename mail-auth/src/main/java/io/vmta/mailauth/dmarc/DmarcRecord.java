package io.vmta.mailauth.dmarc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A DMARC policy record (RFC 7489 6.3), as published in TXT at {@code _dmarc.<domain>}.
 *
 * @param policy              {@code p=}
 * @param subdomainPolicy     {@code sp=}, or {@code p=} when absent
 * @param percent             {@code pct=}, 0 to 100 (default 100)
 * @param dkimAlignment       {@code adkim=} (default relaxed)
 * @param spfAlignment        {@code aspf=} (default relaxed)
 * @param aggregateReportUris {@code rua=}, the syntactically valid URIs only
 * @param failureReportUris   {@code ruf=}, the syntactically valid URIs only
 * @param failureOptions      {@code fo=} as written (default {@code 0})
 * @param reportFormat        {@code rf=} as written (default {@code afrf})
 * @param reportInterval      {@code ri=} in seconds (default 86400)
 */
public record DmarcRecord(DmarcPolicy policy, DmarcPolicy subdomainPolicy, int percent,
    DmarcAlignment dkimAlignment, DmarcAlignment spfAlignment, List<String> aggregateReportUris,
    List<String> failureReportUris, String failureOptions, String reportFormat, long reportInterval) {

  /** A TXT text longer than this is not parsed: an invalid record. */
  public static final int MAX_RECORD_LENGTH = 4096;
  /** Report URIs kept per tag; more are dropped (RFC 7489 6.2 lets a receiver limit them). */
  public static final int MAX_REPORT_URIS = 10;
  /** {@code ri=} when absent or unreadable. */
  public static final long DEFAULT_REPORT_INTERVAL = 86_400;

  private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Pattern PERCENT = Pattern.compile("[0-9]{1,3}");
  private static final Pattern INTERVAL = Pattern.compile("[0-9]{1,18}");
  /** A URI with a scheme (RFC 3986 3.1), optionally followed by DMARC's {@code !size}. */
  private static final Pattern REPORT_URI = Pattern.compile(
      "[A-Za-z][A-Za-z0-9+.-]*:[^\\s!,;]+(![0-9]+[kmgtKMGT]?)?");

  public DmarcRecord {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(subdomainPolicy, "subdomainPolicy");
    Objects.requireNonNull(dkimAlignment, "dkimAlignment");
    Objects.requireNonNull(spfAlignment, "spfAlignment");
    aggregateReportUris = List.copyOf(aggregateReportUris);
    failureReportUris = List.copyOf(failureReportUris);
    Objects.requireNonNull(failureOptions, "failureOptions");
    Objects.requireNonNull(reportFormat, "reportFormat");
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("pct out of 0..100: " + percent);
    }
  }

  /**
   * What parsing one text gave: a record, or the error that makes the text an invalid record.
   *
   * @param record the record, or null when invalid
   * @param error  why the text is invalid; null when valid
   */
  public record Parsed(DmarcRecord record, String error) {
  }

  /**
   * Whether {@code text} starts with the version tag {@code v=DMARC1} (RFC 7489 6.6.3 step 4:
   * other TXT texts at {@code _dmarc} are not DMARC records and are discarded unparsed).
   */
  public static boolean isDmarc(String text) {
    int semi = text.indexOf(';');
    String first = semi < 0 ? text : text.substring(0, semi);
    int eq = first.indexOf('=');
    return eq >= 0 && first.substring(0, eq).strip().equals("v")
        && first.substring(eq + 1).strip().equals("DMARC1");
  }

  /**
   * Parses a record (RFC 7489 6.4, the tag-list syntax of RFC 6376 3.2). Unknown tags are ignored;
   * {@code rua}, {@code ruf}, {@code fo}, {@code rf} and {@code ri} are read leniently (a bad URI
   * is dropped, a bad {@code ri} gets its default). Invalid: a tag without {@code =}, a bad tag
   * name, a repeated tag, {@code v=DMARC1} not first, {@code pct}, {@code adkim} or {@code aspf}
   * out of their grammar. A missing or bad {@code p} (or bad {@code sp}) is {@code p=none} when
   * {@code rua} holds a valid URI, else invalid (RFC 7489 6.6.3 step 6). Never throws.
   */
  public static Parsed parse(String text) {
    if (text == null || text.length() > MAX_RECORD_LENGTH) {
      return invalid("record missing or longer than " + MAX_RECORD_LENGTH + " characters");
    }
    if (!isDmarc(text)) {
      return invalid("does not start with v=DMARC1");
    }
    List<String[]> tags = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String[] parts = text.split(";", -1);
    for (String part : parts) {
      String spec = strip(part);
      if (spec.isEmpty()) {
        continue; // the optional trailing ";" (and, leniently, an empty spec between two)
      }
      int eq = spec.indexOf('=');
      if (eq < 0) {
        return invalid("tag without '=': " + clip(spec));
      }
      String name = strip(spec.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (!TAG_NAME.matcher(name).matches()) {
        return invalid("bad tag name: " + clip(name));
      }
      if (!seen.add(name)) {
        return invalid("tag repeated: " + name);
      }
      tags.add(new String[] {name, strip(spec.substring(eq + 1))});
    }
    return fromTags(tags);
  }

  private static Parsed fromTags(List<String[]> tags) {
    DmarcPolicy p = null;
    DmarcPolicy sp = null;
    boolean badP = true;
    boolean badSp = false;
    int pct = 100;
    DmarcAlignment adkim = DmarcAlignment.RELAXED;
    DmarcAlignment aspf = DmarcAlignment.RELAXED;
    List<String> rua = List.of();
    List<String> ruf = List.of();
    String fo = "0";
    String rf = "afrf";
    long ri = DEFAULT_REPORT_INTERVAL;
    for (String[] tag : tags.subList(1, tags.size())) {
      String value = tag[1];
      switch (tag[0]) {
        case "v" -> {
          return invalid("v= is not the first tag");
        }
        case "p" -> {
          p = DmarcPolicy.parse(value);
          badP = p == null;
        }
        case "sp" -> {
          sp = DmarcPolicy.parse(value);
          badSp = sp == null;
        }
        case "pct" -> {
          if (!PERCENT.matcher(value).matches() || Integer.parseInt(value) > 100) {
            return invalid("pct not 0 to 100: " + clip(value));
          }
          pct = Integer.parseInt(value);
        }
        case "adkim", "aspf" -> {
          DmarcAlignment a = DmarcAlignment.parse(value);
          if (a == null) {
            return invalid(tag[0] + " not r or s: " + clip(value));
          }
          if (tag[0].equals("adkim")) {
            adkim = a;
          } else {
            aspf = a;
          }
        }
        case "rua" -> rua = uris(value);
        case "ruf" -> ruf = uris(value);
        case "fo" -> fo = value;
        case "rf" -> rf = value;
        case "ri" -> ri = INTERVAL.matcher(value).matches() ? Long.parseLong(value)
            : DEFAULT_REPORT_INTERVAL;
        default -> {
          // RFC 7489 6.3: unknown tags MUST be ignored.
        }
      }
    }
    if (badP || badSp) {
      if (rua.isEmpty()) {
        return invalid(badP ? "p= missing or not none, quarantine or reject"
            : "sp= not none, quarantine or reject");
      }
      p = DmarcPolicy.NONE;
      sp = DmarcPolicy.NONE;
    }
    return new Parsed(new DmarcRecord(p, sp == null ? p : sp, pct, adkim, aspf, rua, ruf, fo, rf, ri),
        null);
  }

  private static List<String> uris(String value) {
    List<String> out = new ArrayList<>();
    for (String uri : value.split(",")) {
      String u = strip(uri);
      if (out.size() < MAX_REPORT_URIS && REPORT_URI.matcher(u).matches()) {
        out.add(u);
      }
    }
    return out;
  }

  private static Parsed invalid(String why) {
    return new Parsed(null, why);
  }

  /** Without the folding white space the tag-list grammar allows around tags and values. */
  private static String strip(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && isFws(s.charAt(b))) {
      b++;
    }
    while (e > b && isFws(s.charAt(e - 1))) {
      e--;
    }
    return s.substring(b, e);
  }

  private static boolean isFws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
