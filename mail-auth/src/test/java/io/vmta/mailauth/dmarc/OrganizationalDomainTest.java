package io.vmta.mailauth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7489 3.2 with the Public Suffix List Guava ships. */
class OrganizationalDomainTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "example.com, example.com",
      "mail.news.Example.COM., example.com",
      "a.b.example.co.uk, example.co.uk",
      "example.co.uk, example.co.uk",
      "co.uk, co.uk",
      "uk, uk",
      "x.y.example.com.au, example.com.au",
      // the PSL's private section: each user's site is its own organization
      "alice.github.io, alice.github.io",
      "www.alice.github.io, alice.github.io",
      // no rule matches: the implicit "*" rule of the PSL algorithm
      "a.b.example.test, example.test",
      "example.test, example.test",
      "xn--bcher-kva.example, xn--bcher-kva.example",
      "mail.B\u00fccher.example, xn--bcher-kva.example",
  })
  void organizationalDomain(String domain, String expected) {
    assertThat(OrganizationalDomain.of(domain)).isEqualTo(expected);
  }
}
