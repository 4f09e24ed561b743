package io.vmta.smtp.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One parsed SMTP command line (RFC 5321 section 4.1.1 and the extensions); see {@link CommandParser}. */
public sealed interface SmtpCommand {

  /** The verb in upper case, e.g. {@code MAIL}. */
  String verb();

  /** {@code HELO domain} (RFC 5321 section 4.1.1.1); the argument as given, a domain or address literal. */
  record Helo(String domain) implements SmtpCommand {
    /** Requires the argument. */
    public Helo {
      Objects.requireNonNull(domain, "domain");
    }

    @Override
    public String verb() {
      return "HELO";
    }
  }

  /** {@code EHLO domain} (RFC 5321 section 4.1.1.1); the argument as given, a domain or address literal. */
  record Ehlo(String domain) implements SmtpCommand {
    /** Requires the argument. */
    public Ehlo {
      Objects.requireNonNull(domain, "domain");
    }

    @Override
    public String verb() {
      return "EHLO";
    }
  }

  /** {@code MAIL FROM:<path> params} (RFC 5321 section 4.1.1.2); {@code sender} null for {@code <>}. */
  record MailFrom(MailAddress sender, MailParameters params) implements SmtpCommand {
    /** Replaces absent parameters by {@link MailParameters#NONE}. */
    public MailFrom {
      params = params == null ? MailParameters.NONE : params;
    }

    @Override
    public String verb() {
      return "MAIL";
    }
  }

  /** {@code RCPT TO:<path> params} (RFC 5321 section 4.1.1.3); keys upper-cased, value null for a keyword. */
  record RcptTo(MailAddress recipient, Map<String, String> params) implements SmtpCommand {
    /** Requires the recipient; copies the parameters, keeping their order and null values. */
    public RcptTo {
      Objects.requireNonNull(recipient, "recipient");
      params = params == null || params.isEmpty()
          ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    @Override
    public String verb() {
      return "RCPT";
    }
  }

  /** {@code DATA} (RFC 5321 section 4.1.1.4). */
  record Data() implements SmtpCommand {
    @Override
    public String verb() {
      return "DATA";
    }
  }

  /** {@code BDAT size [LAST]} (RFC 3030 section 2). */
  record Bdat(long size, boolean last) implements SmtpCommand {
    /** Refuses a negative size. */
    public Bdat {
      if (size < 0) {
        throw new IllegalArgumentException("BDAT size must not be negative");
      }
    }

    @Override
    public String verb() {
      return "BDAT";
    }
  }

  /** {@code RSET} (RFC 5321 section 4.1.1.5). */
  record Rset() implements SmtpCommand {
    @Override
    public String verb() {
      return "RSET";
    }
  }

  /** {@code NOOP [string]} (RFC 5321 section 4.1.1.9); the argument is ignored. */
  record Noop() implements SmtpCommand {
    @Override
    public String verb() {
      return "NOOP";
    }
  }

  /** {@code QUIT} (RFC 5321 section 4.1.1.10). */
  record Quit() implements SmtpCommand {
    @Override
    public String verb() {
      return "QUIT";
    }
  }

  /** {@code STARTTLS} (RFC 3207 section 4). */
  record StartTls() implements SmtpCommand {
    @Override
    public String verb() {
      return "STARTTLS";
    }
  }

  /** {@code VRFY string} (RFC 5321 section 4.1.1.6). */
  record Vrfy(String argument) implements SmtpCommand {
    /** Requires the argument. */
    public Vrfy {
      Objects.requireNonNull(argument, "argument");
    }

    @Override
    public String verb() {
      return "VRFY";
    }
  }

  /** {@code EXPN string} (RFC 5321 section 4.1.1.7). */
  record Expn(String argument) implements SmtpCommand {
    /** Requires the argument. */
    public Expn {
      Objects.requireNonNull(argument, "argument");
    }

    @Override
    public String verb() {
      return "EXPN";
    }
  }

  /** {@code HELP [string]} (RFC 5321 section 4.1.1.8); the argument is empty when absent. */
  record Help(String argument) implements SmtpCommand {
    /** Turns a null argument into the empty string. */
    public Help {
      argument = argument == null ? "" : argument;
    }

    @Override
    public String verb() {
      return "HELP";
    }
  }

  /**
   * {@code AUTH mechanism [initial-response]} (RFC 4954 section 4); mechanism upper-cased,
   * initial response null when absent and {@code "="} for an empty one.
   */
  record Auth(String mechanism, String initialResponse) implements SmtpCommand {
    /** Requires the mechanism. */
    public Auth {
      Objects.requireNonNull(mechanism, "mechanism");
    }

    @Override
    public String verb() {
      return "AUTH";
    }

    /** Keeps the initial response out of logs. */
    @Override
    public String toString() {
      return "Auth[mechanism=" + mechanism + ", initialResponse=" + (initialResponse == null ? "none" : "***") + "]";
    }
  }

  /** A verb the parser does not know, upper-cased; the empty string for an empty line. */
  record Unknown(String verb) implements SmtpCommand {
    /** Requires the verb. */
    public Unknown {
      Objects.requireNonNull(verb, "verb");
    }
  }
}
