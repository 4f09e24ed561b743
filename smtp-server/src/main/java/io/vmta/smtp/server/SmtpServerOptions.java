package io.vmta.smtp.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vmta.mailauth.AuthenticationOptions;
import io.vmta.mailauth.dkim.DkimOptions;
import io.vmta.mailauth.dns.DnsServers;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.smtp.core.config.ConfigReader;
import io.vmta.smtp.core.config.JsonOptions;
import io.vmta.smtp.core.config.LocalMailOptions;
import io.vmta.smtp.core.local.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Options of {@link SmtpServerVerticle}, read from and written to the keys of the MTA
 * configuration: {@code hostname}, {@code domains}, {@code aliases}, {@code localUsers} (through
 * {@link LocalMailOptions}), {@code listeners}, {@code tls}, {@code limits} (through
 * {@link ServerLimits}), {@code trustedNetworks}, {@code restrictSenders}, {@code dkim} (through
 * {@link DkimOptions}), {@code authentication} (through {@link AuthenticationOptions}) and
 * {@code dns.servers}, which the MTA also gives the relay. This class is the one place that reads,
 * checks and writes them.
 */
public final class SmtpServerOptions extends ServerLimits<SmtpServerOptions> {

  /** Default listeners: mx, submission and smtps on all IPv4 interfaces, unprivileged ports. */
  public static final List<ListenerOptions> DEFAULT_LISTENERS = List.of(
      new ListenerOptions(ListenerOptions.DEFAULT_HOST, 2525, ListenerMode.MX),
      new ListenerOptions(ListenerOptions.DEFAULT_HOST, 2587, ListenerMode.SUBMISSION),
      new ListenerOptions(ListenerOptions.DEFAULT_HOST, 2465, ListenerMode.SMTPS));
  /** Authenticated users may send only as their login or an alias that points to it. */
  public static final boolean DEFAULT_RESTRICT_SENDERS = true;

  private LocalMailOptions local = new LocalMailOptions();
  private List<ListenerOptions> listeners = copy(DEFAULT_LISTENERS);
  private String certPath;
  private String keyPath;
  private List<String> tlsProtocols = TlsNames.DEFAULT_PROTOCOLS;
  private List<String> tlsCiphers = TlsNames.DEFAULT_CIPHERS;
  private List<String> trustedNetworks = List.of();
  private boolean restrictSenders = DEFAULT_RESTRICT_SENDERS;
  private DkimOptions dkim = new DkimOptions();
  private AuthenticationOptions authentication = new AuthenticationOptions();
  private List<String> dnsServers = List.of();

  /** The defaults. */
  public SmtpServerOptions() {
  }

  /** A deep copy. */
  public SmtpServerOptions(SmtpServerOptions other) {
    this(other.toJson());
  }

  /** Reads the JSON form given alone; unknown keys and bad values are errors naming the key. */
  public SmtpServerOptions(JsonObject json) {
    this(ConfigReader.root(json, ""), true);
  }

  /** Reads its keys from the top level of a larger configuration; the caller ends the reader. */
  public SmtpServerOptions(ConfigReader r) {
    this(r, false);
  }

  private SmtpServerOptions(ConfigReader r, boolean whole) {
    super(r.object("limits"));
    local = new LocalMailOptions(r);
    if (r.has("listeners")) {
      listeners = listeners(r.array("listeners"), r.key("listeners"));
    }
    ConfigReader tls = r.object("tls");
    setTls(tls.string("certPath", null), tls.string("keyPath", null), "tls.");
    tlsProtocols = nonEmpty(tls.strings("protocols", TlsNames.DEFAULT_PROTOCOLS, TlsNames::protocol),
        tls.key("protocols"));
    tlsCiphers = nonEmpty(tls.strings("ciphers", TlsNames.DEFAULT_CIPHERS, TlsNames::cipher),
        tls.key("ciphers"));
    trustedNetworks = r.strings("trustedNetworks", List.of(), SmtpServerOptions::network);
    restrictSenders = r.bool("restrictSenders", DEFAULT_RESTRICT_SENDERS);
    dkim = new DkimOptions(r.object("dkim"));
    authentication = new AuthenticationOptions(r.object("authentication"));
    dnsServers = r.object("dns").strings("servers", List.of(), DnsServers::parse);
    if (whole) {
      r.endAndLog();
    }
  }

  /** The JSON form read by {@link #SmtpServerOptions(JsonObject)}. */
  @Override
  public JsonObject toJson() {
    JsonArray ls = new JsonArray();
    listeners.forEach(l -> ls.add(l.toJson()));
    return local.toJson()
        .put("listeners", ls)
        .put("tls", new JsonObject().put("certPath", certPath).put("keyPath", keyPath)
            .put("protocols", new JsonArray(new ArrayList<>(tlsProtocols)))
            .put("ciphers", new JsonArray(new ArrayList<>(tlsCiphers))))
        .put("limits", limitsJson())
        .put("trustedNetworks", new JsonArray(new ArrayList<>(trustedNetworks)))
        .put("restrictSenders", restrictSenders)
        .put("dkim", dkim.toJson())
        .put("authentication", authentication.toJson())
        .put("dns", new JsonObject().put("servers", new JsonArray(new ArrayList<>(dnsServers))));
  }

  /** Who this server is and whose mail it keeps (hostname, domains, aliases, local users). */
  public LocalMailOptions getLocal() {
    return local;
  }

  /** Sets hostname, domains, aliases and local users at once (copied). */
  public SmtpServerOptions setLocal(LocalMailOptions local) {
    this.local = new LocalMailOptions(local);
    return this;
  }

  /** The name in the greeting and Received headers; see {@link LocalMailOptions#getHostname()}. */
  public String getHostname() { return local.getHostname(); }
  /** Sets the host name. */
  public SmtpServerOptions setHostname(String v) { local.setHostname(v); return this; }
  /** The local domains. */
  public List<String> getDomains() { return local.getDomains(); }
  /** Sets the local domains. */
  public SmtpServerOptions setDomains(List<String> v) { local.setDomains(v); return this; }
  /** The local mailboxes. */
  public List<String> getLocalUsers() { return local.getLocalUsers(); }
  /** Sets the local mailboxes. */
  public SmtpServerOptions setLocalUsers(List<String> v) { local.setLocalUsers(v); return this; }
  /** The aliases. */
  public Map<String, List<String>> getAliases() { return local.getAliases(); }
  /** Sets the aliases. */
  public SmtpServerOptions setAliases(Map<String, List<String>> v) { local.setAliases(v); return this; }
  /** Sets the subaddress delimiter characters ({@code ""}: none); see {@link LocalMailOptions#setRecipientDelimiter}. */
  public SmtpServerOptions setRecipientDelimiter(String v) { local.setRecipientDelimiter(v); return this; }

  /** The listeners (an unmodifiable list of mutable options: copy before changing). */
  public List<ListenerOptions> getListeners() {
    return listeners;
  }

  /** Sets the listeners (copied). */
  public SmtpServerOptions setListeners(List<ListenerOptions> listeners) {
    this.listeners = copy(listeners);
    return this;
  }

  /** The PEM certificate (chain) file, or null for a self-signed certificate made at start. */
  public String getCertPath() {
    return certPath;
  }

  /** The PEM private key file, or null. */
  public String getKeyPath() {
    return keyPath;
  }

  /** Sets the certificate and key files, both null or both set. */
  public SmtpServerOptions setTls(String certPath, String keyPath) {
    return setTls(certPath, keyPath, "tls.");
  }

  /** The TLS versions every listener accepts (JSSE names), by default TLS 1.2 and 1.3. */
  public List<String> getTlsProtocols() {
    return tlsProtocols;
  }

  /** Sets {@link #getTlsProtocols()} (checked against what the JVM supports; not empty). */
  public SmtpServerOptions setTlsProtocols(List<String> v) {
    this.tlsProtocols = nonEmpty(ConfigReader.strings(v, "tls.protocols", TlsNames::protocol), "tls.protocols");
    return this;
  }

  /**
   * The cipher suites every listener accepts (IANA/JSSE names, TLS 1.3 ones included), by
   * default the AEAD suites with forward secrecy.
   */
  public List<String> getTlsCiphers() {
    return tlsCiphers;
  }

  /** Sets {@link #getTlsCiphers()} (checked against what the JVM supports; not empty). */
  public SmtpServerOptions setTlsCiphers(List<String> v) {
    this.tlsCiphers = nonEmpty(ConfigReader.strings(v, "tls.ciphers", TlsNames::cipher), "tls.ciphers");
    return this;
  }

  /** The trusted networks as written (CIDRs or bare addresses), e.g. {@code 127.0.0.0/8}. */
  public List<String> getTrustedNetworks() {
    return trustedNetworks;
  }

  /** Sets the trusted networks (checked). */
  public SmtpServerOptions setTrustedNetworks(List<String> v) {
    this.trustedNetworks = ConfigReader.strings(v, "trustedNetworks", SmtpServerOptions::network);
    return this;
  }

  /** Whether an authenticated user may use only its login and the aliases that point to it in MAIL FROM. */
  public boolean isRestrictSenders() {
    return restrictSenders;
  }

  /** Sets {@link #isRestrictSenders()}. */
  public SmtpServerOptions setRestrictSenders(boolean v) {
    this.restrictSenders = v;
    return this;
  }

  /** The DKIM signing keys; none by default. */
  public DkimOptions getDkim() {
    return dkim;
  }

  /** Sets the DKIM signing keys (copied). */
  public SmtpServerOptions setDkim(DkimOptions dkim) {
    this.dkim = new DkimOptions(dkim);
    return this;
  }

  /** The checks of incoming mail (SPF, DKIM, DMARC); all on by default. */
  public AuthenticationOptions getAuthentication() {
    return authentication;
  }

  /** Sets the checks of incoming mail (copied). */
  public SmtpServerOptions setAuthentication(AuthenticationOptions authentication) {
    this.authentication = new AuthenticationOptions(authentication);
    return this;
  }

  /** The DNS servers the checks ask, as {@code host:port}; empty: the system's resolvers. */
  public List<String> getDnsServers() {
    return dnsServers;
  }

  /** Sets the DNS servers the checks ask ({@code ip}, {@code ip:port} or {@code [ipv6]:port}). */
  public SmtpServerOptions setDnsServers(List<String> servers) {
    this.dnsServers = ConfigReader.strings(servers, "dns.servers", DnsServers::parse);
    return this;
  }

  private SmtpServerOptions setTls(String certPath, String keyPath, String prefix) {
    if (certPath != null && keyPath == null) {
      throw new ConfigException(prefix + "keyPath", "must be set when certPath is set");
    }
    if (keyPath != null && certPath == null) {
      throw new ConfigException(prefix + "certPath", "must be set when keyPath is set");
    }
    this.certPath = certPath;
    this.keyPath = keyPath;
    return this;
  }

  /** The listeners; two on the same host and non-zero port are an error. */
  private static List<ListenerOptions> listeners(JsonArray array, String path) {
    List<ListenerOptions> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String itemPath = path + "[" + i + "]";
      Object item = array.getValue(i);
      if (!(item instanceof JsonObject json)) {
        throw ConfigReader.bad(itemPath, "an object like {\"host\": \"0.0.0.0\", \"port\": 2525,"
            + " \"mode\": \"mx\"}", item);
      }
      ListenerOptions listener = new ListenerOptions(ConfigReader.root(json, itemPath));
      for (int j = 0; j < out.size(); j++) {
        ListenerOptions other = out.get(j);
        if (listener.getPort() != 0 && other.getPort() == listener.getPort()
            && other.getHost().equals(listener.getHost())) {
          throw new ConfigException(itemPath, "same host and port as " + path + "[" + j + "] ("
              + listener.getHost() + ":" + listener.getPort() + ")");
        }
      }
      out.add(listener);
    }
    return List.copyOf(out);
  }

  /** One trusted network, checked by parsing it as a {@link Cidr}; returned as written. */
  private static String network(String text, String path) {
    try {
      Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path, "must be a network like \"127.0.0.0/8\" or \"::1/128\": "
          + e.getMessage());
    }
    return text;
  }

  private static List<String> nonEmpty(List<String> list, String path) {
    if (list.isEmpty()) {
      throw new ConfigException(path, "must not be empty");
    }
    return list;
  }

  private static List<ListenerOptions> copy(List<ListenerOptions> list) {
    return list.stream().map(l -> new ListenerOptions(Objects.requireNonNull(l))).toList();
  }
}
