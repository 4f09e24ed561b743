package io.vmta.smtp.relay.dane;

import io.vmta.smtp.relay.client.HostnameMatch;
import io.vmta.smtp.relay.client.PeerCheck;
import io.vmta.smtp.relay.client.PeerTrust;
import io.vmta.smtp.relay.client.PeerVerifier;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.TLSARecord;

/**
 * Authenticates an SMTP server by its DNSSEC-secure TLSA records (RFC 7672 section 3, RFC 6698,
 * RFC 7671): the certificate must match one usable record, and authenticated TLS is mandatory
 * ({@link #requiresVerifiedTls()}). DANE-EE(3) matches the server's own certificate or key and
 * ignores names and dates (RFC 7672 section 3.1.1); DANE-TA(2) matches a certificate of the chain
 * the server sent, and the chain below it must validate from it (dates included) and the leaf
 * must name the MX host (section 3.1.2, 3.2.2). PKIX-TA(0) and PKIX-EE(1) are unusable for SMTP
 * (section 3.1.3) and never reach this class.
 */
public final class DaneVerifier implements PeerCheck {

  /** DANE-TA: a trust anchor of the server's chain (RFC 7218 names). */
  public static final int DANE_TA = 2;
  /** DANE-EE: the server's own certificate or key. */
  public static final int DANE_EE = 3;

  private final List<TLSARecord> records;

  /** Checks against {@code records}, which must all be {@link #usable}. */
  public DaneVerifier(List<TLSARecord> records) {
    this.records = List.copyOf(records);
    if (this.records.isEmpty() || !this.records.stream().allMatch(DaneVerifier::usable)) {
      throw new IllegalArgumentException("DANE needs at least one usable TLSA record");
    }
  }

  /**
   * Whether an SMTP client can use {@code r} (RFC 7672 section 3.1): usage DANE-TA or DANE-EE,
   * selector 0 (certificate) or 1 (SubjectPublicKeyInfo), matching type 0 (exact), 1 (SHA-256,
   * 32 octets) or 2 (SHA-512, 64 octets). Anything else is ignored (RFC 6698 section 4.1).
   */
  public static boolean usable(TLSARecord r) {
    int length = r.getCertificateAssociationData().length;
    boolean usage = r.getCertificateUsage() == DANE_TA || r.getCertificateUsage() == DANE_EE;
    boolean selector = r.getSelector() == 0 || r.getSelector() == 1;
    boolean matching = switch (r.getMatchingType()) {
      case 0 -> length > 0;
      case 1 -> length == 32;
      case 2 -> length == 64;
      default -> false;
    };
    return usage && selector && matching;
  }

  /** Always: usable TLSA records make a verified certificate mandatory. */
  @Override
  public boolean requiresVerifiedTls() {
    return true;
  }

  /** The records, for the log and the pool key: {@code 3 1 1 a1b2...} each. */
  public String describe() {
    List<String> out = new ArrayList<>();
    for (TLSARecord r : records) {
      out.add(r.getCertificateUsage() + " " + r.getSelector() + " " + r.getMatchingType() + " "
          + HexFormat.of().formatHex(r.getCertificateAssociationData()));
    }
    return String.join(", ", out);
  }

  @Override
  public PeerVerifier.Result check(List<? extends Certificate> chain, String host) {
    List<X509Certificate> certs = chain == null ? List.of() : chain.stream()
        .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).toList();
    if (certs.isEmpty()) {
      return new PeerVerifier.Result(PeerTrust.UNTRUSTED, "no X.509 certificate");
    }
    String failure = null;
    for (TLSARecord r : records) {
      if (r.getCertificateUsage() == DANE_EE) {
        if (matches(r, certs.get(0))) {
          return new PeerVerifier.Result(PeerTrust.VERIFIED, null);
        }
        continue;
      }
      // DANE-TA: the anchor is a certificate of the chain above the leaf (RFC 7671 section 5.2.2).
      for (int i = 1; i < certs.size(); i++) {
        if (!matches(r, certs.get(i))) {
          continue;
        }
        String invalid = validatesFrom(certs.subList(0, i), certs.get(i));
        if (invalid != null) {
          failure = "chain does not validate from the DANE-TA certificate: " + invalid;
        } else if (!HostnameMatch.matches(certs.get(0), host)) {
          // RFC 7672 section 3.2.2: the reference identifier is the MX host name.
          return new PeerVerifier.Result(PeerTrust.TRUSTED, "certificate does not name " + host);
        } else {
          return new PeerVerifier.Result(PeerTrust.VERIFIED, null);
        }
      }
    }
    return new PeerVerifier.Result(PeerTrust.UNTRUSTED,
        failure != null ? failure : "no TLSA record matches the certificate (" + describe() + ")");
  }

  /** Whether {@code cert} is what {@code r} names, by its selector and matching type. */
  static boolean matches(TLSARecord r, X509Certificate cert) {
    try {
      byte[] selected = r.getSelector() == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
      byte[] expected = r.getCertificateAssociationData();
      byte[] actual = switch (r.getMatchingType()) {
        case 0 -> selected;
        case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
        case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
        default -> null;
      };
      return actual != null && MessageDigest.isEqual(expected, actual);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Null when {@code path} (the leaf first) validates with PKIX from {@code anchor} (signatures,
   * dates, basic constraints; no revocation, as for every outbound check), else why not. The
   * anchor's own dates are not checked: it is trusted because DNSSEC says so (RFC 7671 section 5.2.2).
   */
  private static String validatesFrom(List<X509Certificate> path, X509Certificate anchor) {
    try {
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
      params.setRevocationEnabled(false);
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), params);
      return null;
    } catch (GeneralSecurityException | RuntimeException e) {
      return String.valueOf(e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "DANE " + Arrays.toString(records.stream().map(r -> r.getCertificateUsage() + "" + r.getSelector()
        + r.getMatchingType()).toArray());
  }
}
