package io.vmta.smtp.auth.sasl;

/**
 * The server side of one SASL exchange, free of any transport: it turns client responses into the
 * next {@link Step}. One instance per AUTH command, used from one thread at a time.
 *
 * <p>{@link #start} is called exactly once, then {@link #next} once per client line while the
 * previous step was a {@link Step.Challenge}. After {@link Step.Credentials} or
 * {@link Step.Failed} the exchange is over and both methods throw {@link IllegalStateException}.
 * The caller decodes the base64 lines ({@link SaslMechanisms#decodeResponse}) and handles
 * cancellation; the byte arrays passed in are neither kept nor modified.
 */
public interface SaslServer {

  /** The mechanism name as advertised in EHLO, e.g. {@code PLAIN}. */
  String mechanism();

  /** The first step: the initial response from the AUTH command line, or null when absent. */
  Step start(byte[] initialResponse);

  /** Each following client line, already base64-decoded by the caller. */
  Step next(byte[] response);
}
