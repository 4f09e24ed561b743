package io.vmta.smtp.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RepliesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "OK, 250 2.0.0 Ok",
      "SERVICE_CLOSING, 221 2.0.0 Bye",
      "START_MAIL_INPUT, 354 End data with <CR><LF>.<CR><LF>",
      "READY_TO_START_TLS, 220 2.0.0 Ready to start TLS",
      "SYNTAX_ERROR_COMMAND_UNRECOGNIZED, 500 5.5.2 Error: command not recognized",
      "LINE_TOO_LONG, 500 5.5.2 Error: line too long",
      "SYNTAX_ERROR_PARAMETERS, 501 5.5.4 Syntax error in parameters or arguments",
      "COMMAND_NOT_IMPLEMENTED, 502 5.5.1 Error: command not implemented",
      "BAD_SEQUENCE, 503 5.5.1 Error: bad sequence of commands",
      "NEED_EHLO, 503 5.5.1 Error: send HELO/EHLO first",
      "NEED_MAIL, 503 5.5.1 Error: need MAIL command",
      "NEED_RCPT, 503 5.5.1 Error: need RCPT command",
      "NESTED_MAIL, 503 5.5.1 Error: nested MAIL command",
      "VRFY_DISABLED, '252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery'",
      "EXPN_DISABLED, 502 5.5.1 EXPN not available",
      "TOO_MANY_RECIPIENTS, 452 4.5.3 Error: too many recipients",
      "MESSAGE_TOO_BIG, 552 5.3.4 Error: message file too big",
      "BARE_LINE_END, 554 5.6.0 Error: bare CR or LF in message",
      "NUL_IN_MESSAGE, 554 5.6.0 Error: NUL in message",
      "MESSAGE_LINE_TOO_LONG, 554 5.6.0 Error: message line longer than 1000 octets",
      "LOCAL_ERROR, 451 4.3.0 Error: queue file write error",
      "QUEUE_UNAVAILABLE, '451 4.3.0 Error: queue unavailable, try again later'",
      "TOO_MANY_ERRORS, 421 4.7.0 Error: too many errors",
      "TIMEOUT, 421 4.4.2 Error: timeout exceeded",
      "SYNC_ERROR, 554 5.5.0 Error: SMTP protocol synchronization",
      "NON_ASCII_ADDRESS, 553 5.6.7 Error: non-ASCII address requires SMTPUTF8",
      "BAD_ADDRESS_SYNTAX, 553 5.1.3 Error: bad address syntax",
      "UNKNOWN_USER, 550 5.1.1 Error: recipient address rejected: user unknown",
      "RELAY_DENIED, 554 5.7.1 Error: relay access denied",
      "CONTROL_CHARACTERS, 501 5.5.2 Error: control characters not allowed",
  })
  void fixedReplies(String name, String wire) throws ReflectiveOperationException {
    Reply reply = (Reply) Replies.class.getField(name).get(null);
    assertThat(reply.format(true)).isEqualTo(wire + "\r\n");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"PARAMETER_NOT_RECOGNIZED, 555, 5.5.4", "HELP, 214, 2.0.0", "AUTH_SUCCEEDED, 235, 2.7.0",
      "AUTH_REQUIRED, 530, 5.7.0", "AUTH_FAILED, 535, 5.7.8", "STARTTLS_REQUIRED, 530, 5.7.0",
      "TLS_NOT_AVAILABLE, 454, 4.7.0"})
  void codesOfRepliesWithFreeText(String name, int code, String status) throws ReflectiveOperationException {
    Reply reply = (Reply) Replies.class.getField(name).get(null);
    assertThat(reply.code()).isEqualTo(code);
    assertThat(reply.status()).hasToString(status);
  }

  @Test
  void everyConstantButTheIntermediateOneCarriesAnEnhancedStatus() throws IllegalAccessException {
    List<String> withoutStatus = new ArrayList<>();
    for (Field field : publicConstants()) {
      if (((Reply) field.get(null)).status() == null) {
        withoutStatus.add(field.getName());
      }
    }
    assertThat(withoutStatus).containsExactly("START_MAIL_INPUT");
  }

  private static List<Field> publicConstants() {
    return Arrays.stream(Replies.class.getFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == Reply.class)
        .collect(Collectors.toList());
  }
}
