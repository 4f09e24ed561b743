# Verifies every DKIM-Signature of a message with Mail::DKIM (Debian libmail-dkim-perl), keys from
# the test's DNS server. Usage: perl mail-dkim-verify.pl MESSAGE DNS_PORT; prints
# "<a=> <result> (<detail>)" per signature.
use strict;
use warnings;
use Mail::DKIM::Verifier;
use Net::DNS::Resolver;

my ($file, $port) = @ARGV;
Mail::DKIM::DNS::resolver(Net::DNS::Resolver->new(nameservers => ['127.0.0.1'], port => $port, recurse => 1));
my $verifier = Mail::DKIM::Verifier->new();
open(my $in, '<:raw', $file) or die "cannot open $file: $!";
while (my $line = <$in>) {
    $verifier->PRINT($line);
}
close($in);
$verifier->CLOSE();
foreach my $signature ($verifier->signatures) {
    print $signature->algorithm, ' ', $signature->result, ' (', ($signature->result_detail // ''), ")\n";
}
