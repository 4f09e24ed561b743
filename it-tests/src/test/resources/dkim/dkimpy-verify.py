# Verifies every DKIM-Signature of a message with dkimpy (Debian python3-dkim), keys from the
# test's DNS server. Usage: python3 dkimpy-verify.py MESSAGE DNS_PORT; prints "<a=> pass|fail" per signature.
import sys

import dkim
import dns.resolver

message = open(sys.argv[1], 'rb').read()
resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = ['127.0.0.1']
resolver.port = int(sys.argv[2])


def dnsfunc(name, timeout=5):
    name = name.decode('ascii') if isinstance(name, bytes) else name
    answer = resolver.resolve(name, 'TXT', lifetime=timeout)
    return b''.join(b''.join(record.strings) for record in answer)


d = dkim.DKIM(message)
count = len([h for h in d.headers if h[0].lower() == b'dkim-signature'])
for i in range(count):
    try:
        ok = d.verify(idx=i, dnsfunc=dnsfunc)
        detail = ''
    except dkim.DKIMException as e:  # e.g. a body hash mismatch is raised, not returned
        ok = False
        detail = str(e)
    print(d.signature_fields.get(b'a', b'?').decode(), 'pass' if ok else 'fail', '(' + detail + ')')
