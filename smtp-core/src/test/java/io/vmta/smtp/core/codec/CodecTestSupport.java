package io.vmta.smtp.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vmta.smtp.core.codec.CommandLineReader.LineResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Byte helpers and a feeding harness for the codec tests. */
final class CodecTestSupport {

  private CodecTestSupport() {
  }

  /** What a decoder ended with, comparable across ways of splitting the same input. */
  record Outcome(boolean done, long consumed, String content, DataDecoder.Error error, long size) {
  }

  static Buffer buf(String latin1) {
    return Buffer.buffer(latin1.getBytes(StandardCharsets.ISO_8859_1));
  }

  static String str(Buffer b) {
    return b == null ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  /** Turns the escapes \r, \n and \0 of a test table into bytes. */
  static String unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\0", "\0");
  }

  /** Every way the tests deliver {@code data}: whole, split at each index, byte by byte, 3-way. */
  static List<List<String>> splits(String data) {
    List<List<String>> all = new ArrayList<>();
    all.add(List.of(data));
    for (int i = 0; i <= data.length(); i++) {
      all.add(List.of(data.substring(0, i), data.substring(i)));
    }
    all.add(data.chars().mapToObj(c -> String.valueOf((char) c)).toList());
    if (data.length() <= 40) {
      for (int i = 1; i < data.length(); i++) {
        for (int j = i + 1; j < data.length(); j++) {
          all.add(List.of(data.substring(0, i), data.substring(i, j), data.substring(j)));
        }
      }
    }
    return all;
  }

  /** Feeds {@code chunks} to a new DataDecoder, checking that no chunk is modified. */
  static Outcome feedData(long maxSize, int maxLine, List<String> chunks) {
    DataDecoder decoder = new DataDecoder(maxSize, maxLine);
    long offset = 0;
    for (String chunk : chunks) {
      Buffer b = buf(chunk);
      DataDecoder.Result r = decoder.feed(b, 0);
      assertThat(str(b)).isEqualTo(chunk);
      if (r.state() == DataDecoder.State.DONE) {
        assertThat(decoder.isDone()).isTrue();
        return outcome(true, offset + r.consumedUpTo(), decoder.error(), decoder.size(),
            decoder.error() == null ? decoder.content() : null);
      }
      assertThat(r.consumedUpTo()).isEqualTo(b.length());
      offset += b.length();
    }
    return outcome(false, offset, decoder.error(), decoder.size(),
        decoder.error() == null ? decoder.content() : null);
  }

  /** Feeds each chunk as one BDAT chunk, delivered in pieces of at most {@code piece} bytes. */
  static Outcome feedBdat(long maxSize, int maxLine, List<String> chunks, int piece) {
    BdatDecoder decoder = new BdatDecoder(maxSize, maxLine);
    long consumed = 0;
    for (String chunk : chunks) {
      decoder.beginChunk(chunk.length());
      BdatDecoder.Result r;
      int at = 0;
      do {
        int to = (int) Math.min(chunk.length(), (long) at + piece);
        String part = chunk.substring(at, to);
        // The next command follows the last part of a chunk and must be left alone.
        Buffer b = buf(to == chunk.length() ? part + "NEXT" : part);
        r = decoder.feed(b, 0);
        assertThat(r.consumedUpTo()).isEqualTo(part.length());
        consumed += r.consumedUpTo();
        at = to;
      } while (at < chunk.length());
      assertThat(r.state()).isEqualTo(BdatDecoder.State.CHUNK_DONE);
      assertThat(decoder.remaining()).isZero();
    }
    decoder.finish();
    return outcome(true, consumed, decoder.error(), decoder.size(),
        decoder.error() == null ? decoder.content() : null);
  }

  private static Outcome outcome(boolean done, long consumed, DataDecoder.Error error, long size,
      Buffer content) {
    return new Outcome(done, consumed, str(content), error, size);
  }

  /** Plays a server's input loop over pieces of a command stream; bad lines become markers. */
  static List<String> readLines(List<String> pieces, int max) {
    List<String> lines = new ArrayList<>();
    Buffer input = Buffer.buffer();
    boolean discarding = false;
    for (String piece : pieces) {
      input.appendBuffer(buf(piece));
      int from = 0;
      while (true) {
        if (discarding) {
          int end = CommandLineReader.skipPastCrlf(input, from);
          if (end < 0) {
            from = CommandLineReader.discardableEnd(input, from);
            break;
          }
          discarding = false;
          from = end;
        }
        LineResult r = CommandLineReader.scan(input, from, max);
        switch (r.status()) {
          case LINE -> lines.add(str(r.line()));
          case BARE_LINE_END -> lines.add("<bare>");
          case TOO_LONG -> {
            lines.add("<too long>");
            discarding = r.end() < 0;
          }
          default -> {
          }
        }
        if (r.status() == CommandLineReader.Status.INCOMPLETE || discarding) {
          if (discarding) {
            from = CommandLineReader.discardableEnd(input, from);
          }
          break;
        }
        from = r.end();
      }
      input = input.getBuffer(from, input.length());
      assertThat(input.length()).isLessThanOrEqualTo(max);
    }
    return lines;
  }
}
