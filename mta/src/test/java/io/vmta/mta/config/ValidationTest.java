package io.vmta.mta.config;

import io.vmta.smtp.core.config.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every validation error: one line, naming the full key path and the problem. */
class ValidationTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      {"limits": {"maxMessageSize": "big"}}            | limits.maxMessageSize: must be a positive integer, got "big"
      {"limits": {"maxMessageSize": 0}}                | limits.maxMessageSize: must be a positive integer, got 0
      {"limits": {"maxRecipients": 2.5}}               | limits.maxRecipients: must be a positive integer, got 2.5
      {"limits": {"maxRecipients": 3000000000}}        | limits.maxRecipients: must be a positive integer, got 3000000000
      {"limits": {"maxConnectionsPerIp": -1}}          | limits.maxConnectionsPerIp: must be a positive integer, got -1
      {"limits": {"maxConnections": true}}             | limits.maxConnections: must be a positive integer, got true
      {"limits": {"maxErrors": "10"}}                  | limits.maxErrors: must be a positive integer, got "10"
      {"limits": {"maxLineLength": 0}}                 | limits.maxLineLength: must be a positive integer, got 0
      {"limits": {"maxCommandLine": []}}               | limits.maxCommandLine: must be a positive integer, got a list
      {"limits": {"idleTimeout": "5x"}}                | limits.idleTimeout: must be a duration like "30s", "5m", "1h", "5d" or "250ms", got "5x"
      {"limits": {"commandTimeout": -5}}               | limits.commandTimeout: must be a duration like "30s", "5m", "1h", "5d" or "250ms", got -5
      {"limits": {"dataTimeout": "0s"}}                | limits.dataTimeout: must be a positive duration, got "0s"
      {"limits": {"shutdownGrace": "0s"}}              | limits.shutdownGrace: must be a positive duration, got "0s"
      {"limits": {"authSlowAfter": 0}}                 | limits.authSlowAfter: must be a positive integer, got 0
      {"limits": {"authSlowAfter": 30}}                | limits.authRefuseAfter: must be at least limits.authSlowAfter (30), got 20
      {"limits": {"authWindow": "soon"}}               | limits.authWindow: must be a duration like "30s", "5m", "1h", "5d" or "250ms", got "soon"
      {"relay": {"requireTls": ["bank example"]}}      | relay.requireTls[0]: must be a domain name, got "bank example"
      {"relay": {"requireTls": "bank.example"}}        | relay.requireTls: must be a list of strings, got "bank.example"
      {"relay": {"tls": {"policy": {"bank.example": "secure"}}}} | relay.tls.policy.bank.example: must be one of none, may, encrypt, verify, dane, got "secure"
      {"relay": {"tls": {"policy": {"bank example": "verify"}}}} | relay.tls.policy.bank example: must be a domain name, got "bank example"
      {"relay": {"tls": {"policy": ["bank.example"]}}} | relay.tls.policy: must be an object, got a list
      {"relay": {"tls": {"caFiles": "ca.pem"}}}        | relay.tls.caFiles: unknown key; did you mean caFile?
      {"relay": {"smarthost": {"host": "up.example", "tlsVerify": "no"}}} | relay.smarthost.tlsVerify: must be true or false, got "no"
      {"limits": {"maxMesageSize": 10}}                | limits.maxMesageSize: unknown key; did you mean maxMessageSize?
      {"limits": 5}                                    | limits: must be an object, got 5
      {"listeners": [{"port": 2525}, {"port": 2587, "mode": "foo"}]} | listeners[1].mode: must be one of mx, submission, smtps, got "foo"
      {"listeners": [{"mode": "MX"}]}                  | listeners[0].mode: must be one of mx, submission, smtps, got "MX"
      {"listeners": [{"port": 70000}]}                 | listeners[0].port: must be a port number (0-65535), got 70000
      {"listeners": [{"port": -1}]}                    | listeners[0].port: must be a port number (0-65535), got -1
      {"listeners": [{"host": "0.0.0.0 "}]}            | listeners[0].host: must be a host name or IP address, got "0.0.0.0 "
      {"listeners": [{"prot": 25}]}                    | listeners[0].prot: unknown key; did you mean port?
      {"listeners": [1]}                               | listeners[0]: must be an object like {"host": "0.0.0.0", "port": 2525, "mode": "mx"}, got 1
      {"listeners": {"port": 1}}                       | listeners: must be a list, got an object
      {"listeners": [{"port": 2525}, {"port": 2525}]}  | listeners[1]: same host and port as listeners[0] (0.0.0.0:2525)
      {"tls": {"certPath": "cert.pem"}}                | tls.keyPath: must be set when certPath is set
      {"tls": {"keyPath": "key.pem"}}                  | tls.certPath: must be set when keyPath is set
      {"tls": {"certPath": "", "keyPath": "k"}}        | tls.certPath: must be a non-empty string, got ""
      {"tls": "yes"}                                   | tls: must be an object, got "yes"
      {"hostname": 42}                                 | hostname: must be a non-empty string, got 42
      {"hostname": "mx_1.example.test"}                | hostname: must be a domain name, got "mx_1.example.test"
      {"dataDir": "  "}                                | dataDir: must be a non-empty string, got "  "
      {"domains": ["exa mple.test"]}                   | domains[0]: must be a domain name, got "exa mple.test"
      {"domains": ["-bad.test"]}                       | domains[0]: must be a domain name, got "-bad.test"
      {"domains": ["a..test"]}                         | domains[0]: must be a domain name, got "a..test"
      {"domains": ["example.test", "EXAMPLE.test."]}   | domains[1]: duplicate "example.test"
      {"domains": "example.test"}                      | domains: must be a list of strings, got "example.test"
      {"domains": [""]}                                | domains[0]: must be a non-empty string, got ""
      {"domains": ["a\\nb.test"]}                      | domains[0]: must be a domain name, got "a\\nb.test"
      {"users": ""}                                    | users: must be a non-empty string, got ""
      {"users": ["a", "b"]}                            | users: must be a non-empty string, got a list
      {"aliases": {"postmaster": ["a@example.test"]}}  | aliases["postmaster"]: must be a mail address like "user@example.test", got "postmaster"
      {"aliases": {"p@example.test": []}}              | aliases["p@example.test"]: must list at least one address
      {"aliases": {"p@example.test": ["bad"]}}         | aliases["p@example.test"][0]: must be a mail address like "user@example.test", got "bad"
      {"aliases": {"p@example.test": ["a b@example.test"]}} | aliases["p@example.test"][0]: must be a mail address like "user@example.test", got "a b@example.test"
      {"aliases": {"p@example.test": 5}}               | aliases["p@example.test"]: must be a string or a list of strings, got 5
      {"aliases": {"@bad..test": ["a@example.test"]}}  | aliases["@bad..test"]: must be a domain name
      {"recipientDelimiter": "a"}                      | recipientDelimiter: must be "" or characters from
      {"recipientDelimiter": "+@"}                     | recipientDelimiter: must be "" or characters from
      {"recipientDelimiter": 1}                        | recipientDelimiter: must be "" or characters from
      {"aliases": {"p@example.test": ["a@x.test", "A@X.test"]}} | aliases["p@example.test"][1]: duplicate "a@x.test"
      {"aliases": {"P@example.test": "a@x.test", "p@example.test": "b@x.test"}} | aliases["p@example.test"]: same address as "P@example.test"
      {"aliases": ["x"]}                               | aliases: must be an object, got a list
      {"trustedNetworks": ["localhost"]}               | trustedNetworks[0]: must be a network like "127.0.0.0/8" or "::1/128": not an IP address: "localhost"
      {"trustedNetworks": ["10.0.0.1/8"]}              | trustedNetworks[0]: must be a network like "127.0.0.0/8" or "::1/128": host bits set in "10.0.0.1/8" (did you mean 10.0.0.0/8?)
      {"trustedNetworks": ["10.0.0.0/33"]}             | trustedNetworks[0]: must be a network like "127.0.0.0/8" or "::1/128": prefix length must be 0-32 here, got 33
      {"trustedNetworks": "127.0.0.0/8"}               | trustedNetworks: must be a list of strings, got "127.0.0.0/8"
      {"relay": {"dnsServers": ["dns.google"]}}        | relay.dnsServers[0]: must be an IP address with an optional port, like "192.0.2.53:53" or "[2001:db8::53]:53", got "dns.google"
      {"relay": {"dnsServers": ["1.1.1.1:99999"]}}     | relay.dnsServers[0]: must be an IP address with an optional port
      {"relay": {"dnsServers": ["1.1.1.1:"]}}          | relay.dnsServers[0]: must be an IP address with an optional port
      {"relay": {"dnsServers": ["[::1]x"]}}            | relay.dnsServers[0]: must be an IP address with an optional port
      {"relay": {"dnsServers": ["1.1.1.1", "1.1.1.1:53"]}} | relay.dnsServers[1]: duplicate "1.1.1.1:53"
      {"relay": {"port": 0}}                           | relay.port: must be a port number (1-65535), got 0
      {"relay": {"smarthost": "mail.example"}}         | relay.smarthost: must be an object or null, got "mail.example"
      {"relay": {"smarthost": {"port": 587}}}          | relay.smarthost.host: must be a host name or IP address
      {"relay": {"smarthost": {"host": "up.example", "tls": "ssl"}}} | relay.smarthost.tls: must be one of starttls, implicit, none, got "ssl"
      {"relay": {"smarthost": {"host": "up.example", "username": "u"}}} | relay.smarthost: username and password go together
      {"relay": {"smarthost": {"host": "up.example", "tls": "none", "username": "u", "password": "p"}}} | relay.smarthost.tls: a password is only ever sent over TLS
      {"relay": {"smarthost": {"host": "up.example", "user": "u"}}} | relay.smarthost.user: unknown key
      {"relay": {"retry": {"initialDelay": "2h"}}}     | relay.retry.maxDelay: must not be shorter than initialDelay (2h), got "1h"
      {"relay": {"retry": {"maxAge": "forever"}}}      | relay.retry.maxAge: must be a duration like
      {"relay": {"retry": {"intialDelay": "1m"}}}      | relay.retry.intialDelay: unknown key; did you mean initialDelay?
      {"management": {"port": "8025"}}                 | management.port: must be a port number (0-65535), got "8025"
      {"management": {"host": "my host"}}              | management.host: must be a host name or IP address, got "my host"
      {"management": {"host": "0.0.0.0"}}              | management.token: required when host is not a loopback address
      {"management": {"host": "192.0.2.1", "token": ""}} | management.token: must be a non-empty string
      {"cluster": {"enabled": "yes"}}                  | cluster.enabled: must be true or false, got "yes"
      {"cluster": {"roles": ["server", "queue"]}}      | cluster.roles[1]: must be one of server, relay, got "queue"
      {"cluster": {"roles": []}}                       | cluster.roles: must name at least one of server, relay
      {"cluster": {"members": [5]}}                    | cluster.members[0]: must be a non-empty string, got 5
      {"cluster": {"port": 65536}}                     | cluster.port: must be a port number (0-65535), got 65536
      {"colour": "blue"}                               | colour: unknown key; known keys are limits, hostname, domains, aliases, recipientDelimiter, listeners, tls, trustedNetworks, restrictSenders, dkim, authentication, dns, dataDir, relay, users, management, cluster
      {"Hostname": "mx.example.test"}                  | Hostname: unknown key; did you mean hostname?
      {"localUsers": ["a@example.test"]}               | localUsers: unknown key
      {"maxConcurrentDeliveries": 3}                   | maxConcurrentDeliveries: unknown key
      {"relay": {"client": {}}}                        | relay.client: unknown key
      {"limits": {"idleTimeoutSeconds": 300}}          | limits.idleTimeoutSeconds: unknown key
      {"limits": {"maxConnectionTime": "1 hour"}}      | limits.maxConnectionTime: must be a duration like
      {"limits": {"maxJunkCommands": 0}}               | limits.maxJunkCommands: must be a positive integer, got 0
      {"limits": {"queueTimeout": "0s"}}               | limits.queueTimeout: must be a positive duration, got "0s"
      {"dns": {"servers": ["dns.google"]}}             | dns.servers[0]: must be an IP address with an optional port
      {"dns": {"sevrers": []}}                         | dns.sevrers: unknown key; did you mean servers?
      """)
  void namesTheKeyAndTheProblemOnOneLine(String json, String expected) {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> new MtaOptions(new JsonObject(json)));

    assertThat(e).as("no error for %s", json).isNotNull();
    assertThat(e.getMessage()).startsWith(expected).doesNotContain("\n").doesNotContain("\r");
    assertThat(e.key()).isEqualTo(expected.substring(0, expected.indexOf(": ")));
  }
}
