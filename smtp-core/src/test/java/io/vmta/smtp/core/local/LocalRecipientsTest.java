package io.vmta.smtp.core.local;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.vmta.smtp.core.local.LocalRecipients.Kind.*;
import static org.assertj.core.api.Assertions.assertThat;

class LocalRecipientsTest {

  private final LocalRecipients local = new LocalRecipients(
      List.of("Example.TEST", "other.test"),
      List.of("alice@example.test", "Bob@example.test"),
      Map.of("postmaster@example.test", List.of("alice@example.test"),
          "team@example.test", List.of("alice@example.test", "bob@example.test", "carol@remote.test"),
          "loop1@example.test", List.of("loop2@example.test"),
          "loop2@example.test", List.of("loop1@example.test", "bob@example.test"),
          "keep@example.test", List.of("keep@example.test", "alice@example.test")));

  @Test
  void aQuotedDotAtomIsTheSameAddressInConfigurationAndQueries() {
    LocalRecipients quoted = new LocalRecipients(List.of("example.test"), List.of("\"carol\"@example.test"),
        Map.of("\"list\"@example.test", List.of("\"Alice\"@example.test")));
    assertThat(quoted.classify("carol@example.test")).isEqualTo(USER);
    assertThat(quoted.classify("\"CAROL\"@example.test")).isEqualTo(USER);
    assertThat(quoted.classify("list@example.test")).isEqualTo(ALIAS);
    assertThat(quoted.expand(List.of("\"list\"@example.test"))).containsExactly("alice@example.test");
    assertThat(quoted.mayUse("alice@example.test", "\"list\"@example.test")).isTrue();
    assertThat(local.classify("\"alice\"@example.test")).isEqualTo(USER);
    assertThat(local.classify("\"alice x\"@example.test")).isEqualTo(UNKNOWN);
  }

  @Test
  void classifiesWithoutCase() {
    assertThat(local.classify("ALICE@example.test")).isEqualTo(USER);
    assertThat(local.classify("bob@EXAMPLE.test")).isEqualTo(USER);
    assertThat(local.classify("team@example.test")).isEqualTo(ALIAS);
    assertThat(local.classify("postmaster@example.test")).isEqualTo(ALIAS);
    assertThat(local.classify("Postmaster@other.test")).isEqualTo(POSTMASTER);
    assertThat(local.classify("nobody@example.test")).isEqualTo(UNKNOWN);
    assertThat(local.classify("alice@remote.test")).isEqualTo(REMOTE);
    assertThat(local.classify("no-at-sign")).isEqualTo(REMOTE);
  }

  @Test
  void expandsAliasesRecursivelyWithoutDuplicates() {
    assertThat(local.expand(List.of("team@example.test", "alice@example.test")))
        .containsExactly("alice@example.test", "bob@example.test", "carol@remote.test");
  }

  @Test
  void duplicatesDifferingOnlyInCaseAreDeliveredOnce() {
    // Breadth first: the explicit recipients are met before what the alias expands to.
    assertThat(local.expand(List.of("team@example.test", "ALICE@example.test", "Bob@Example.Test")))
        .containsExactly("ALICE@example.test", "Bob@Example.Test", "carol@remote.test");
  }

  @Test
  void aliasLoopsEnd() {
    assertThat(local.expand(List.of("loop1@example.test"))).containsExactly("loop1@example.test", "bob@example.test");
  }

  @Test
  void anAliasNamingItselfKeepsACopy() {
    assertThat(local.expand(List.of("keep@example.test"))).containsExactly("keep@example.test", "alice@example.test");
  }

  @Test
  void aUserMaySendAsItselfAndAsAliasesPointingToIt() {
    assertThat(local.mayUse("alice@example.test", "Alice@Example.test")).isTrue();
    assertThat(local.mayUse("alice@example.test", "postmaster@example.test")).isTrue();
    assertThat(local.mayUse("ALICE@example.test", "team@example.test")).isTrue();
    assertThat(local.mayUse("bob@example.test", "postmaster@example.test")).isFalse();
    assertThat(local.mayUse("bob@example.test", "alice@example.test")).isFalse();
    assertThat(local.mayUse("bob@example.test", "loop1@example.test")).isFalse();
  }

  @Test
  void nonAliasesPassUnchanged() {
    assertThat(local.expand(List.of("Carol@Remote.test"))).containsExactly("Carol@Remote.test");
  }

  private final LocalRecipients plus = new LocalRecipients(List.of("example.test", "catch.test"),
      List.of("alice@example.test", "a+b@example.test", "bob@catch.test"),
      Map.of("team@example.test", List.of("alice@example.test", "carol@remote.test"),
          "@catch.test", List.of("bob@catch.test")),
      "+-");

  @Test
  void anExtensionAfterTheDelimiterReachesTheMailboxOrAlias() {
    assertThat(plus.classify("alice+lists@example.test")).isEqualTo(USER);
    assertThat(plus.classify("Alice-Shop@Example.test")).isEqualTo(USER);
    assertThat(plus.classify("team+x@example.test")).isEqualTo(ALIAS);
    assertThat(plus.expand(List.of("alice+lists@example.test"))).containsExactly("alice@example.test");
    assertThat(plus.expand(List.of("team-x@example.test"))).containsExactly("alice@example.test", "carol@remote.test");
  }

  @Test
  void aUserWhoseNameHoldsTheDelimiterIsFoundFirstAndTheFirstDelimiterSplits() {
    assertThat(plus.classify("a+b@example.test")).isEqualTo(USER);
    assertThat(plus.expand(List.of("a+b@example.test"))).containsExactly("a+b@example.test");
    assertThat(plus.classify("nobody+alice@example.test")).isEqualTo(UNKNOWN);
    assertThat(plus.classify("+alice@example.test")).isEqualTo(UNKNOWN);
  }

  @Test
  void withoutADelimiterAnExtensionIsAnotherName() {
    assertThat(local.classify("alice+lists@example.test")).isEqualTo(UNKNOWN);
  }

  @Test
  void aCatchAllTakesEveryOtherNameOfItsDomainAndNothingElsewhere() {
    assertThat(plus.classify("anyone@catch.test")).isEqualTo(ALIAS);
    assertThat(plus.classify("postmaster@catch.test")).isEqualTo(ALIAS);
    assertThat(plus.expand(List.of("anyone@catch.test", "bob@catch.test"))).containsExactly("bob@catch.test");
    assertThat(plus.classify("anyone@example.test")).isEqualTo(UNKNOWN);
    assertThat(plus.expand(List.of("x@remote.test"))).containsExactly("x@remote.test");
  }

  @Test
  void abuseIsAcceptedAsPostmasterIs() {
    assertThat(plus.classify("abuse@example.test")).isEqualTo(POSTMASTER);
    assertThat(plus.classify("postmaster@example.test")).isEqualTo(POSTMASTER);
    assertThat(plus.expand(List.of("abuse@example.test"))).containsExactly("abuse@example.test");
  }

  @Test
  void aUserMaySendFromHerOwnExtensions() {
    assertThat(plus.mayUse("alice@example.test", "alice+lists@example.test")).isTrue();
    assertThat(plus.mayUse("alice@example.test", "alicex+lists@example.test")).isFalse();
    assertThat(local.mayUse("alice@example.test", "alice+lists@example.test")).isFalse();
  }
}
