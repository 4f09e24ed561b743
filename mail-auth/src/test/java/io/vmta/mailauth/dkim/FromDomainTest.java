package io.vmta.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmta.mailauth.dkim.FromDomain.Result;
import io.vmta.mailauth.dkim.FromDomain.Status;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The RFC5322.From domain DMARC evaluates, and why a message has none. */
class FromDomainTest {

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(delimiter = '|', value = {
      "From: Alice <alice@Example.ORG>\\r\\nTo: b@x.test                | FOUND               | example.org",
      "From: alice@b\\u00fccher.example                                  | FOUND               | xn--bcher-kva.example",
      "FROM:\\r\\n  \"Doe, J\" <j@example.org.>                         | FOUND               | example.org",
      "To: b@x.test                                                     | NO_FROM_FIELD       |",
      "From: a@example.org\\r\\nFrom: b@example.org                     | SEVERAL_FROM_FIELDS |",
      "From: a@example.org, b@example.net                               | NOT_ONE_ADDRESS     |",
      "From: undisclosed-recipients:;                                   | NOT_ONE_ADDRESS     |",
      "From: alice@[192.0.2.1]                                          | BAD_DOMAIN          |",
      "From: alice                                                      | BAD_DOMAIN          |",
      "From: alice@exa mple.org                                         | BAD_DOMAIN          |",
  })
  void theFromDomainOrWhyThereIsNone(String header, Status status, String domain) {
    String text = header.replace("\\r\\n", "\r\n").replace("\\u00fc", "\u00fc");
    byte[] message = (text + "\r\n\r\nFrom: body@not-a-header.test\r\n").getBytes(StandardCharsets.UTF_8);

    assertThat(FromDomain.of(message)).isEqualTo(new Result(status, domain));
  }

  @Test
  void aMegabyteFromFieldIsAnswered() {
    String from = "From: " + "(c) a@example.org,\r\n ".repeat(50_000) + "b@example.org\r\n";
    String others = "X-Filler: yes\r\n".repeat(20_000);
    byte[] message = (others + from + "\r\nbody").getBytes(StandardCharsets.US_ASCII);

    assertThat(FromDomain.of(message).status()).isEqualTo(Status.NOT_ONE_ADDRESS);
  }
}
