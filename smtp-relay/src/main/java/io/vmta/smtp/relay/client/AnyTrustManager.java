package io.vmta.smtp.relay.client;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts a server when one of several trust managers does (the JDK's trust store, the CAs of
 * {@code relay.tls.caFile}); for the handshakes that must verify during the handshake, such as
 * the HTTPS fetch of MTA-STS policies. Each delegate also checks the host name the engine was
 * given ({@code HTTPS} endpoint identification) when it is an {@link X509ExtendedTrustManager},
 * as those of the JDK's {@code TrustManagerFactory} are.
 */
final class AnyTrustManager extends X509ExtendedTrustManager {

  private interface Check {
    void run(X509TrustManager tm) throws CertificateException;
  }

  private final List<X509TrustManager> delegates;

  AnyTrustManager(List<X509TrustManager> delegates) {
    this.delegates = List.copyOf(delegates);
  }

  private void any(Check check) throws CertificateException {
    CertificateException first = null;
    for (X509TrustManager tm : delegates) {
      try {
        check.run(tm);
        return;
      } catch (CertificateException e) {
        first = first == null ? e : first;
      }
    }
    throw first != null ? first : new CertificateException("no trust manager");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    any(tm -> {
      if (tm instanceof X509ExtendedTrustManager x) {
        x.checkServerTrusted(chain, authType, engine);
      } else {
        throw new CertificateException("cannot check the host name without an X509ExtendedTrustManager");
      }
    });
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    any(tm -> {
      if (tm instanceof X509ExtendedTrustManager x) {
        x.checkServerTrusted(chain, authType, socket);
      } else {
        throw new CertificateException("cannot check the host name without an X509ExtendedTrustManager");
      }
    });
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    any(tm -> tm.checkServerTrusted(chain, authType));
  }

  /** Never a client's certificate: this trust is for the client side only. */
  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("client certificates are not accepted");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegates.stream().flatMap(tm -> Stream.of(tm.getAcceptedIssuers())).toArray(X509Certificate[]::new);
  }
}
