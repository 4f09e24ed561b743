# Signs a message with Mail::DKIM (Debian libmail-dkim-perl) and writes the DKIM-Signature field to stdout.
# Usage: perl mail-dkim-sign.pl MESSAGE KEY.pem SELECTOR DOMAIN METHOD(relaxed/simple, ...)
use strict;
use warnings;
use Mail::DKIM::Signer;
use Mail::DKIM::TextWrap;

my ($message_file, $key_file, $selector, $domain, $method) = @ARGV;
my $signer = Mail::DKIM::Signer->new(
    Algorithm => 'rsa-sha256',
    Method    => $method,
    Domain    => $domain,
    Selector  => $selector,
    KeyFile   => $key_file,
    Headers   => 'from:to:subject:date:message-id:mime-version:content-type',
);
open(my $fh, '<:raw', $message_file) or die "cannot read $message_file: $!";
local $/;
my $message = <$fh>;
close($fh);
$signer->PRINT($message);
$signer->CLOSE;
binmode(STDOUT);
my $field = $signer->signature->as_string;
$field =~ s/\r?\n/\r\n/g;
print $field . "\r\n";
