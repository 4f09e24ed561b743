package io.vmta.smtp.auth;

import io.vmta.smtp.core.Replies;
import io.vmta.smtp.core.Reply;

/** The replies of an AUTH exchange (RFC 4954 sections 4 and 6) that smtp-core does not define. */
public final class AuthReplies {

  /** 501 5.5.2: a client response is not valid base64 (RFC 4954 section 4). */
  public static final Reply INVALID_BASE64 = Reply.of(501, "5.5.2", "Invalid base64 data");
  /** 501 5.5.2: a decoded response does not follow the mechanism's grammar. */
  public static final Reply MALFORMED_RESPONSE =
      Reply.of(501, "5.5.2", "Malformed authentication response");
  /** 501 5.0.0: the client sent "*" to cancel the exchange (RFC 4954 section 4). */
  public static final Reply CANCELLED = Reply.of(501, "5.0.0", "Authentication cancelled");
  /** 500 5.5.6: a response line is longer than the server accepts (RFC 4954 section 6). */
  public static final Reply LINE_TOO_LONG =
      Reply.of(500, "5.5.6", "Authentication exchange line is too long");
  /** 504 5.5.4: the mechanism named in AUTH is not offered (RFC 4954 section 4). */
  public static final Reply UNSUPPORTED_MECHANISM =
      Reply.of(504, "5.5.4", "Unrecognized authentication type");
  /** 454 4.7.0: authentication is refused for now, e.g. by throttling (RFC 4954 section 6). */
  public static final Reply TEMPORARY_FAILURE =
      Reply.of(454, "4.7.0", "Temporary authentication failure");
  /** 535 5.7.8: bad credentials, or an authorization identity we do not grant (RFC 4954 6). */
  public static final Reply INVALID_CREDENTIALS = Replies.AUTH_FAILED;

  private AuthReplies() {
  }
}
