package io.vmta.smtp.core;

/** The values of the MAIL FROM {@code BODY} parameter (RFC 6152, RFC 3030). */
public enum BodyType {
  /** Plain 7-bit ASCII (RFC 6152 section 2). */
  SEVEN_BIT("7BIT"),
  /** 8-bit MIME data in lines (RFC 6152). */
  EIGHT_BIT_MIME("8BITMIME"),
  /** Binary MIME, only with BDAT (RFC 3030 section 3). */
  BINARY_MIME("BINARYMIME");

  private final String keyword;

  BodyType(String keyword) {
    this.keyword = keyword;
  }

  /** The keyword as it appears on the wire, e.g. {@code 8BITMIME}. */
  public String keyword() {
    return keyword;
  }

  /** The body type for a keyword, case-insensitively; IllegalArgumentException when unknown. */
  public static BodyType fromKeyword(String keyword) {
    if (keyword != null) {
      String upper = Ascii.upper(keyword);
      for (BodyType type : values()) {
        if (type.keyword.equals(upper)) {
          return type;
        }
      }
    }
    throw new IllegalArgumentException("unknown BODY type");
  }
}
