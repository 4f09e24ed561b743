# Evaluates SPF checks with pyspf (Debian python3-spf) against the DNS server given as the first
# argument (host:port). Reads one case per line from standard input, tab-separated:
# id, client address, mail from, helo; writes id, result and explanation, tab-separated.
import sys

import dns.resolver
import spf

host, port = sys.argv[1].rsplit(':', 1)
resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = [host]
resolver.port = int(port)
resolver.lifetime = 5
dns.resolver.default_resolver = resolver

for line in sys.stdin:
    case_id, ip, mailfrom, helo = line.rstrip('\n').split('\t')
    query = spf.query(i=ip, s=mailfrom, h=helo, receiver='unknown')
    query.set_default_explanation('')
    result, code, explanation = query.check()
    result = {'unknown': 'permerror', 'error': 'temperror'}.get(result, result)
    print(case_id, result, (explanation or '').replace('\t', ' ').replace('\n', ' '), sep='\t')
    sys.stdout.flush()
