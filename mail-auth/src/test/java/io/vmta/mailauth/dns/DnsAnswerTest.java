package io.vmta.mailauth.dns;

import io.vmta.mailauth.dns.DnsAnswer.Kind;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Reading one response: CNAME chains, response codes and negative TTLs (RFC 2308, RFC 6604). */
class DnsAnswerTest {

  private static final Name DOMAIN = Name.fromConstantString("example.test.");
  private static final Name TARGET = Name.fromConstantString("real.test.");

  private static Message response(int rcode, Record... answers) {
    Message message = Message.newQuery(Record.newRecord(DOMAIN, Type.MX, DClass.IN));
    message.getHeader().setRcode(rcode);
    for (Record r : answers) {
      message.addRecord(r, Section.ANSWER);
    }
    return message;
  }

  private static SOARecord soa(long ttl, long minimum) {
    return new SOARecord(Name.root, DClass.IN, ttl, Name.fromConstantString("ns.test."),
        Name.fromConstantString("admin.test."), 1, 3600, 600, 86400, minimum);
  }

  @Test
  void recordsAtTheEndOfACnameChainCountAndTheirTtlIsTheChainsMinimum() {
    Message message = response(Rcode.NOERROR,
        new CNAMERecord(DOMAIN, DClass.IN, 100, TARGET),
        new MXRecord(TARGET, DClass.IN, 500, 10, Name.fromConstantString("mx.real.test.")),
        new MXRecord(DOMAIN, DClass.IN, 500, 10, Name.fromConstantString("stray.test.")));

    DnsAnswer answer = DnsAnswer.of(message, DOMAIN, Type.MX);

    assertThat(answer.kind()).isEqualTo(Kind.DATA);
    assertThat(answer.records()).hasSize(1);
    MXRecord mx = (MXRecord) answer.records().get(0);
    assertThat(mx.getTarget().toString()).isEqualTo("mx.real.test.");
    assertThat(answer.ttlSeconds()).isEqualTo(100);
  }

  @Test
  void nxdomainAfterACnameIsAboutTheTarget() {
    Message message = response(Rcode.NXDOMAIN, new CNAMERecord(DOMAIN, DClass.IN, 100, TARGET));
    message.addRecord(soa(60, 30), Section.AUTHORITY);

    DnsAnswer answer = DnsAnswer.of(message, DOMAIN, Type.MX);

    assertThat(answer.kind()).isEqualTo(Kind.NX_DOMAIN);
    assertThat(answer.ttlSeconds()).isEqualTo(30);
  }

  @Test
  void theNegativeTtlIsTheSmallerOfTheSoaTtlAndItsMinimum() {
    Message message = response(Rcode.NOERROR);
    message.addRecord(soa(45, 900), Section.AUTHORITY);

    DnsAnswer answer = DnsAnswer.of(message, DOMAIN, Type.MX);

    assertThat(answer.kind()).isEqualTo(Kind.NO_DATA);
    assertThat(answer.ttlSeconds()).isEqualTo(45);
  }

  @Test
  void aNegativeAnswerWithoutSoaIsNotCached() {
    assertThat(DnsAnswer.of(response(Rcode.NXDOMAIN), DOMAIN, Type.MX).ttlSeconds()).isZero();
  }

  @Test
  void refusedIsATransientFailure() {
    DnsResolutionException e = catchThrowableOfType(DnsResolutionException.class,
        () -> DnsAnswer.of(response(Rcode.REFUSED), DOMAIN, Type.MX));

    assertThat(e.isPermanent()).isFalse();
    assertThat(e.getMessage()).contains("REFUSED");
  }
}
