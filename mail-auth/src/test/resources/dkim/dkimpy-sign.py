# Signs a message with dkimpy (Debian python3-dkim) and writes the DKIM-Signature field to stdout.
# Usage: /usr/bin/python3 dkimpy-sign.py MESSAGE KEY SELECTOR DOMAIN ALGORITHM HEADER/BODY-CANON LENGTH(yes|no)
# KEY is a PEM file for rsa-sha256, the base64 Ed25519 seed for ed25519-sha256.
import sys

import dkim

message_file, key_file, selector, domain, algorithm, canon, length = sys.argv[1:8]
message = open(message_file, 'rb').read()
key = open(key_file, 'rb').read().strip()
header_canon, body_canon = canon.encode().split(b'/')
field = dkim.sign(message, selector.encode(), domain.encode(), key,
                  canonicalize=(header_canon, body_canon), signature_algorithm=algorithm.encode(),
                  length=(length == 'yes'))
sys.stdout.buffer.write(field)
