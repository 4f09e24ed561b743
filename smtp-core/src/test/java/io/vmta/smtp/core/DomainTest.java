package io.vmta.smtp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DomainTest {

  private static final String LABEL_63 = "a".repeat(63);

  @ParameterizedTest
  @CsvSource({
      "example.com, example.com",
      "EXAMPLE.Com, example.com",
      "a, a",
      "mx-1.example, mx-1.example",
      "123.example, 123.example",
      "bücher.example, xn--bcher-kva.example",
      "BÜCHER.example, xn--bcher-kva.example",
      "xn--bcher-kva.example, xn--bcher-kva.example",
      "XN--BCHER-KVA.EXAMPLE, xn--bcher-kva.example",
      "例え.テスト, xn--r8jz45g.xn--zckzah",
      "δοκιμή.example, xn--jxalpdlp.example",
      "[192.0.2.1], [192.0.2.1]",
      "[255.255.255.255], [255.255.255.255]",
      "[IPv6:2001:db8::1], [IPv6:2001:db8::1]",
      "[ipv6:2001:DB8::1], [ipv6:2001:DB8::1]",
      "[IPv6:::], [IPv6:::]",
      "[IPv6:1:2:3:4:5:6:7:8], [IPv6:1:2:3:4:5:6:7:8]",
      "[IPv6:1:2:3:4:5:6:192.0.2.1], [IPv6:1:2:3:4:5:6:192.0.2.1]",
      "[IPv6:::ffff:192.0.2.1], [IPv6:::ffff:192.0.2.1]",
      "[IPv6:::192.0.2.1], [IPv6:::192.0.2.1]",
      "[IPv6:1::6:192.0.2.1], [IPv6:1::6:192.0.2.1]",
      "[IPv6:1:2:3::6:7:8], [IPv6:1:2:3::6:7:8]",
  })
  void parsesToAsciiForm(String text, String ascii) {
    Domain domain = Domain.parse(text);
    assertThat(domain.ascii()).isEqualTo(ascii);
    assertThat(domain).hasToString(ascii);
    assertThat(domain.isLiteral()).isEqualTo(ascii.startsWith("["));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'' | empty",
      "example.com. | ends with a dot",
      ". | ends with a dot",
      ".example.com | empty label",
      "a..b | empty label",
      "-a.example | hyphen",
      "a-.example | hyphen",
      "bücher-.example | internationalized",
      "a_b.example | not allowed",
      "a b.example | not allowed",
      "a@b.example | not allowed",
      "a\tb.example | control",
      "bü\u0085cher.example | control",
      "xn--zz-abc.example | invalid A-label",
      "\u0221x.example | internationalized",
      "bü_cher.example | internationalized",
      "[192.0.2.1 | brackets",
      "[] | brackets",
      "[192.0.2] | not a valid",
      "[192.0.2.256] | not a valid",
      "[192.0.2.1.5] | not a valid",
      "[1920.0.2.1] | not a valid",
      "[192.0.2.a] | not a valid",
      "[example.com] | not a valid",
      "[IPv6:1:2:3:4:5:6:7] | not a valid",
      "[IPv6:1:2:3:4:5:6:7:8:9] | not a valid",
      "[IPv6:1:2:3:4:5:6:7::] | not a valid",
      "[IPv6:1::2::3] | not a valid",
      "[IPv6::::1] | not a valid",
      "[IPv6:12345::1] | not a valid",
      "[IPv6:g::1] | not a valid",
      "[IPv6:1:2:3:4:5:6:7:192.0.2.1] | not a valid",
      "[IPv6:1:2:3:4:5::192.0.2.1] | not a valid",
      "[IPv6::192.0.2.1] | not a valid",
      "[IPv6:::192.0.2.999] | not a valid",
      "[IPv4:192.0.2.1] | not a valid",
      "[x-tag:anything] | not a valid",
  })
  void refusesWithAClearMessage(String text, String message) {
    assertThatIllegalArgumentException().isThrownBy(() -> Domain.parse(text)).withMessageContaining(message);
  }

  @Test
  void labelLimitIs63Octets() {
    assertThat(Domain.parse(LABEL_63 + ".example").ascii()).startsWith(LABEL_63);
    assertThatIllegalArgumentException().isThrownBy(() -> Domain.parse(LABEL_63 + "a.example"))
        .withMessageContaining("label longer than 63");
    // One umlaut and 60 letters become a 67-octet A-label.
    assertThatIllegalArgumentException().isThrownBy(() -> Domain.parse("ü" + "a".repeat(60) + ".example"))
        .withMessageContaining("internationalized");
  }

  @Test
  void domainLimitIs255Octets() {
    String name253 = String.join(".", LABEL_63, LABEL_63, LABEL_63, "a".repeat(61));
    String name255 = name253 + ".b";
    assertThat(Domain.parse(name255).ascii()).hasSize(255);
    assertThatIllegalArgumentException().isThrownBy(() -> Domain.parse(name255 + "c"))
        .withMessageContaining("longer than 255");
    assertThatIllegalArgumentException().isThrownBy(() -> Domain.parse("a.".repeat(3000) + "a"))
        .withMessageContaining("longer than 255");
  }

  @Test
  void refusesNull() {
    assertThatIllegalArgumentException().isThrownBy(() -> Domain.parse(null)).withMessageContaining("empty");
  }

  @Test
  void unicodeFormAndConstructorNormalises() {
    assertThat(Domain.parse("xn--bcher-kva.example").unicode()).isEqualTo("bücher.example");
    assertThat(Domain.parse("Example.COM").unicode()).isEqualTo("example.com");
    assertThat(Domain.parse("[IPv6:::1]").unicode()).isEqualTo("[IPv6:::1]");
    assertThat(new Domain("Bücher.Example")).isEqualTo(Domain.parse("xn--bcher-kva.example"));
  }
}
