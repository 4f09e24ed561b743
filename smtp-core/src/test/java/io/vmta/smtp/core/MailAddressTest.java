package io.vmta.smtp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MailAddressTest {

  @ParameterizedTest
  @CsvSource(delimiterString = " ; ", value = {
      // text ; local part ; domain ; toString ; ascii
      "user@example.com ; user ; example.com ; user@example.com ; true",
      "User.Name+tag@Example.COM ; User.Name+tag ; example.com ; User.Name+tag@example.com ; true",
      "!#$%&'*+-/=?^_`{|}~@example.com ; !#$%&'*+-/=?^_`{|}~ ; example.com ; !#$%&'*+-/=?^_`{|}~@example.com ; true",
      "\"john doe\"@example.com ; \"john doe\" ; example.com ; \"john doe\"@example.com ; true",
      "\"a@b\"@example.com ; \"a@b\" ; example.com ; \"a@b\"@example.com ; true",
      "\"quote\\\"d\\\\\"@example.com ; \"quote\\\"d\\\\\" ; example.com ; \"quote\\\"d\\\\\"@example.com ; true",
      "\"\"@example.com ; \"\" ; example.com ; \"\"@example.com ; true",
      // RFC 5321 4.1.2: a Quoted-string that is a valid Dot-string is that Dot-string.
      "\"alice\"@example.com ; alice ; example.com ; alice@example.com ; true",
      "\"Alice.Smith+tag\"@example.com ; Alice.Smith+tag ; example.com ; Alice.Smith+tag@example.com ; true",
      "\"al\\ice\"@example.com ; alice ; example.com ; alice@example.com ; true",
      "\"jürgen\"@example.com ; jürgen ; example.com ; jürgen@example.com ; false",
      "\"a..b\"@example.com ; \"a..b\" ; example.com ; \"a..b\"@example.com ; true",
      "\".a\"@example.com ; \".a\" ; example.com ; \".a\"@example.com ; true",
      "\"a,b\"@example.com ; \"a,b\" ; example.com ; \"a,b\"@example.com ; true",
      "user@bücher.example ; user ; xn--bcher-kva.example ; user@xn--bcher-kva.example ; false",
      "user@xn--bcher-kva.example ; user ; xn--bcher-kva.example ; user@xn--bcher-kva.example ; true",
      "jürgen@example.com ; jürgen ; example.com ; jürgen@example.com ; false",
      "用户@例え.テスト ; 用户 ; xn--r8jz45g.xn--zckzah ; 用户@xn--r8jz45g.xn--zckzah ; false",
      "\"jü rgen\"@example.com ; \"jü rgen\" ; example.com ; \"jü rgen\"@example.com ; false",
      "😀@example.com ; 😀 ; example.com ; 😀@example.com ; false",
      "user@[192.0.2.1] ; user ; [192.0.2.1] ; user@[192.0.2.1] ; true",
      "user@[IPv6:2001:db8::1] ; user ; [IPv6:2001:db8::1] ; user@[IPv6:2001:db8::1] ; true",
  })
  void parsesMailboxes(String text, String local, String domain, String string, boolean ascii) {
    MailAddress address = MailAddress.parse(text);
    assertThat(address.localPart()).isEqualTo(local);
    assertThat(address.domain().ascii()).isEqualTo(domain);
    assertThat(address).hasToString(string);
    assertThat(address.isAscii()).isEqualTo(ascii);
    assertThat(MailAddress.parse(address.toString())).isEqualTo(address);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'' | empty",
      "user | no @domain",
      "user@ | bad domain: domain is empty",
      "@example.com | local part is empty",
      ".user@example.com | empty atom",
      "user.@example.com | empty atom",
      "us..er@example.com | empty atom",
      "us er@example.com | needs quoting",
      "us(er@example.com | needs quoting",
      "us\"er@example.com | needs quoting",
      "a@b@example.com | bad domain",
      "user@example..com | bad domain: domain has an empty label",
      "user@example.com. | bad domain: domain ends with a dot",
      "user@exa_mple.com | bad domain",
      "user@[300.0.0.1] | bad domain",
      "\"unclosed@example.com | no @domain",
      "\"a\"b@example.com | no @domain",
      "\"a\\\"@example.com | no @domain",
      "\"a\\ü\"@example.com | bad backslash",
      "\"a\"\"@example.com | no @domain",
  })
  void refusesBadAddresses(String text, String message) {
    assertThatIllegalArgumentException().isThrownBy(() -> MailAddress.parse(text)).withMessageContaining(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"us\u0000er@example.com", "us\rer@example.com", "user@exam\nple.com", "user@example.com\n",
      "us\u007Fer@example.com", "us\u0085er@example.com", "\"us\ter\"@example.com", "\"us\\\u0000er\"@example.com",
      "us\uD800er@example.com", "user@bü\u0000cher.example", "user@[192.0.2.1\u0000]"})
  void refusesControlCharactersAnywhere(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> MailAddress.parse(text)).withMessageContaining("control");
  }

  @Test
  void localPartLimitIs64Octets() {
    assertThat(MailAddress.parse("a".repeat(64) + "@example.com").localPart()).hasSize(64);
    assertThatIllegalArgumentException().isThrownBy(() -> MailAddress.parse("a".repeat(65) + "@example.com"))
        .withMessageContaining("local part longer than 64 octets");
    // 32 two-octet characters are 64 octets; one more ASCII character is 65.
    assertThat(MailAddress.parse("ü".repeat(32) + "@example.com").isAscii()).isFalse();
    assertThatIllegalArgumentException().isThrownBy(() -> MailAddress.parse("ü".repeat(32) + "a@example.com"))
        .withMessageContaining("local part longer than 64 octets");
  }

  @Test
  void addressLimitIs254Octets() {
    String domain = String.join(".", "d".repeat(63), "d".repeat(63), "d".repeat(55));
    String fits = "a".repeat(64) + "@" + domain + ".abcde";
    assertThat(fits).hasSize(254);
    assertThat(MailAddress.parse(fits)).hasToString(fits);
    assertThatIllegalArgumentException().isThrownBy(() -> MailAddress.parse("a" + fits))
        .withMessageContaining("longer than");
    // 253 octets as written, but 259 with the A-label xn--123ss-gra1kvb.
    String utf8 = "a".repeat(64) + "@" + String.join(".", "d".repeat(63), "d".repeat(63), "d".repeat(48),
        "ü1ä2ö3ß");
    assertThat(Ascii.utf8Length(utf8)).isEqualTo(253);
    assertThatIllegalArgumentException().isThrownBy(() -> MailAddress.parse(utf8))
        .withMessageContaining("address longer than 254 octets");
  }

  @Test
  void postmaster() {
    assertThat(MailAddress.postmaster().domain()).isNull();
    assertThat(MailAddress.postmaster()).hasToString("Postmaster");
    assertThat(MailAddress.postmaster().isPostmaster()).isTrue();
    assertThat(MailAddress.postmaster().isAscii()).isTrue();
    assertThat(MailAddress.parse("POSTMASTER")).isEqualTo(MailAddress.postmaster());
    assertThat(MailAddress.parse("POSTMASTER").localPart()).isEqualTo("Postmaster");
    assertThat(MailAddress.parse("PostMaster@example.com").isPostmaster()).isTrue();
    assertThat(MailAddress.parse("postmasters@example.com").isPostmaster()).isFalse();
    assertThatIllegalArgumentException().isThrownBy(() -> new MailAddress("alice", null));
  }

  @Test
  void equalityIgnoresHowTheDomainWasWritten() {
    MailAddress unicode = MailAddress.parse("user@bücher.example");
    MailAddress ascii = MailAddress.parse("user@xn--bcher-kva.example");
    assertThat(unicode.utf8Domain()).isTrue();
    assertThat(ascii.utf8Domain()).isFalse();
    assertThat(unicode).isEqualTo(ascii).hasSameHashCodeAs(ascii);
    assertThat(unicode).isNotEqualTo(MailAddress.parse("User@bücher.example"));
  }

  @Test
  void constructorValidatesToo() {
    assertThatIllegalArgumentException().isThrownBy(() -> new MailAddress("a b", Domain.parse("example.com")));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new MailAddress("user", Domain.parse("[192.0.2.1]"), true));
    assertThat(new MailAddress("user", Domain.parse("Example.com"))).hasToString("user@example.com");
  }

  @Test
  void aQuotedDotAtomIsTheSameMailboxAsTheDotAtom() {
    assertThat(MailAddress.parse("\"alice\"@example.com")).isEqualTo(MailAddress.parse("alice@example.com"));
    assertThat(new MailAddress("\"bob\"", Domain.parse("example.com"))).hasToString("bob@example.com");
    assertThat(MailAddress.parse("\"alice smith\"@example.com")).isNotEqualTo(MailAddress.parse("alice.smith@example.com"));
  }

  @Test
  void unquotedLocalPart() {
    assertThat(MailAddress.parse("\"john \\\"x\\\" doe\"@example.com").unquotedLocalPart()).isEqualTo("john \"x\" doe");
    assertThat(MailAddress.parse("plain@example.com").unquotedLocalPart()).isEqualTo("plain");
  }
}
