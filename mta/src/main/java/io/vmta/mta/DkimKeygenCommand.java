package io.vmta.mta;

import io.vmta.mta.CliArgs.UsageException;
import io.vmta.smtp.core.config.ConfigException;
import io.vmta.mailauth.dkim.DkimAlgorithm;
import io.vmta.mailauth.dkim.DkimKeyOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * {@code dkim-keygen --domain D --selector S [--algorithm A] --out DIR}: writes a new DKIM private
 * key as {@code DIR/S.D.pem} (PEM PKCS#8, mode 0600, never over an existing file) and prints the
 * TXT record to publish, as a zone-file line whose strings have at most 255 octets (RFC 1035 3.3).
 */
final class DkimKeygenCommand {

  /** RSA key size: RFC 8301 3.2, signers SHOULD use at least 2048 bits. */
  static final int RSA_BITS = 2048;
  /** The longest character-string of a TXT record (RFC 1035 3.3.14, 3.3). */
  static final int MAX_STRING = 255;

  static final String USAGE = String.join("\n",
      "usage: java -jar mta.jar dkim-keygen --domain DOMAIN --selector SELECTOR",
      "                                     [--algorithm rsa-sha256|ed25519-sha256] --out DIR",
      "",
      "  Makes a DKIM signing key (RSA 2048 bits by default, or Ed25519) and writes it to",
      "  DIR/SELECTOR.DOMAIN.pem (PEM PKCS#8, mode 0600; an existing file is never overwritten).",
      "  Prints the TXT record to publish in DNS, as a zone-file line, and the dkim.keys item to",
      "  add to the configuration.",
      "",
      Cli.EXIT_STATUS);

  private DkimKeygenCommand() {
  }

  /** Runs {@code dkim-keygen ARGS}; returns the exit status. */
  static int run(List<String> args, Console console) {
    if (CliArgs.wantsHelp(args)) {
      return Cli.help(console, USAGE);
    }
    DkimKeyOptions key;
    Path out;
    try {
      CliArgs parsed = CliArgs.parse(args, Set.of("--domain", "--selector", "--algorithm", "--out"), Set.of(), 0);
      for (String required : List.of("--domain", "--selector", "--out")) {
        if (parsed.value(required) == null) {
          throw new UsageException(required + " is required");
        }
      }
      String algorithm = parsed.value("--algorithm");
      DkimAlgorithm a;
      try {
        a = algorithm == null ? DkimKeyOptions.DEFAULT_ALGORITHM : DkimAlgorithm.fromTag(algorithm);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--algorithm must be rsa-sha256 or ed25519-sha256, got " + algorithm);
      }
      out = Path.of(parsed.value("--out"));
      key = new DkimKeyOptions(parsed.value("--domain"), parsed.value("--selector"), a,
          out.resolve(parsed.value("--selector") + "." + parsed.value("--domain") + ".pem").toString());
    } catch (UsageException e) {
      return Cli.badUsage(console, e.getMessage(), USAGE);
    } catch (ConfigException e) {
      return Cli.badUsage(console, "--" + e.getMessage(), USAGE);
    }
    Path file = out.resolve(key.selector() + "." + key.domain() + ".pem");
    try {
      KeyPair pair = generate(key.algorithm());
      write(file, pem(pair.getPrivate().getEncoded()));
      console.out().println("; private key written to " + file + " (mode 0600); configuration:");
      console.out().println(";   dkim.keys: [{domain: " + key.domain() + ", selector: " + key.selector()
          + ", algorithm: " + key.algorithm().tag() + ", keyPath: " + file + "}]");
      console.out().println(record(key, pair.getPublic()));
      console.out().flush();
      return Cli.OK;
    } catch (FileAlreadyExistsException e) {
      console.err().println("vmta: " + file + " exists; it is never overwritten (move it away or choose"
          + " another selector)");
      return Cli.FAILED;
    } catch (IOException | GeneralSecurityException e) {
      console.err().println("vmta: cannot write " + file + ": " + e.getMessage());
      return Cli.FAILED;
    }
  }

  /** The zone-file line: {@code S._domainkey.D. IN TXT ( "v=DKIM1; k=...; p=..." ... )}. */
  static String record(DkimKeyOptions key, PublicKey publicKey) {
    String text = "v=DKIM1; k=" + key.algorithm().keyType() + "; p=" + publicKeyData(key.algorithm(), publicKey);
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < text.length(); i += MAX_STRING) {
      strings.add("\"" + text.substring(i, Math.min(text.length(), i + MAX_STRING)) + "\"");
    }
    return key.selector() + "._domainkey." + key.domain() + ". IN TXT ( " + String.join(" ", strings) + " )";
  }

  /**
   * The {@code p=} value: for RSA the DER SubjectPublicKeyInfo (RFC 6376 3.6.1), for Ed25519 the
   * raw 32-byte public key (RFC 8463 4.2), the end of its X.509 encoding.
   */
  static String publicKeyData(DkimAlgorithm algorithm, PublicKey publicKey) {
    byte[] der = publicKey.getEncoded();
    byte[] data = algorithm == DkimAlgorithm.ED25519_SHA256 ? Arrays.copyOfRange(der, der.length - 32, der.length) : der;
    return Base64.getEncoder().encodeToString(data);
  }

  private static KeyPair generate(DkimAlgorithm algorithm) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.jcaKey());
    if (algorithm == DkimAlgorithm.RSA_SHA256) {
      generator.initialize(RSA_BITS);
    }
    return generator.generateKeyPair();
  }

  private static String pem(byte[] pkcs8) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
        + "\n-----END PRIVATE KEY-----\n";
  }

  /** Creates the file with mode 0600 (failing if it exists: no overwrite, no race), then writes it. */
  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path created;
    try {
      created = Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      created = Files.createFile(file);
    }
    try (OutputStream stream = Files.newOutputStream(created)) {
      stream.write(content.getBytes(StandardCharsets.US_ASCII));
    }
  }
}
