package io.vmta.mailauth.spf;

/**
 * The bounds of one SPF check. The defaults are RFC 7208's (section 4.6.4); the lead may make them
 * configurable. Exceeding any of them is a {@code permerror}, except {@code ptrNames}, where names
 * past the limit are ignored as the RFC says.
 *
 * @param dnsTerms         mechanisms and modifiers that query DNS (include, a, mx, ptr, exists,
 *                         redirect) per check, includes and redirects counted across records
 * @param voidLookups      lookups answering NXDOMAIN or no records while terms are evaluated
 *                         (a, mx and its exchangers, ptr and its names, exists, %{p}); as pyspf
 * @param mxNames          MX records one {@code mx} mechanism may have (more: permerror)
 * @param ptrNames         PTR names looked at by one {@code ptr} mechanism or {@code %{p}} macro
 * @param maxRecordLength  characters of an SPF record (its strings joined); longer: permerror
 */
public record SpfLimits(int dnsTerms, int voidLookups, int mxNames, int ptrNames,
    int maxRecordLength) {

  /** RFC 7208 4.6.4: at most 10 DNS-querying terms. */
  public static final int DEFAULT_DNS_TERMS = 10;
  /** RFC 7208 4.6.4: at most 2 void lookups (a SHOULD, with 2 RECOMMENDED). */
  public static final int DEFAULT_VOID_LOOKUPS = 2;
  /** RFC 7208 4.6.4: at most 10 MX names per mx mechanism. */
  public static final int DEFAULT_MX_NAMES = 10;
  /** RFC 7208 4.6.4: at most 10 PTR names per ptr mechanism or p macro. */
  public static final int DEFAULT_PTR_NAMES = 10;
  /**
   * Our own bound, not the RFC's: a record needing more than a 4 KiB TXT is not one anybody
   * publishes on purpose (RFC 7208 3.4 asks publishers to stay near 450 octets).
   */
  public static final int DEFAULT_MAX_RECORD_LENGTH = 4096;

  /** RFC 7208's limits. */
  public static final SpfLimits DEFAULTS = new SpfLimits(DEFAULT_DNS_TERMS, DEFAULT_VOID_LOOKUPS,
      DEFAULT_MX_NAMES, DEFAULT_PTR_NAMES, DEFAULT_MAX_RECORD_LENGTH);

  public SpfLimits {
    if (dnsTerms < 1 || voidLookups < 0 || mxNames < 1 || ptrNames < 1 || maxRecordLength < 16) {
      throw new IllegalArgumentException("SPF limits out of range: dnsTerms " + dnsTerms
          + ", voidLookups " + voidLookups + ", mxNames " + mxNames + ", ptrNames " + ptrNames
          + ", maxRecordLength " + maxRecordLength);
    }
  }
}
