#!/usr/bin/perl
# Written by pgroup. The tcp, http and log ready checks that `sv check` runs through each
# process's generated ./check script, so that a person asking runit gets the answer pgroup's start
# got. They mean what start's checks in Java mean (dev.pgroup.core.internal.start.ReadinessCheck);
# ReadyCheckAgreementTest runs both against the same server and fails when they drift apart.
#
#   perl ready-check.pl tcp <port>           a connect to 127.0.0.1:<port> succeeds
#   perl ready-check.pl http <url>           a GET answers 2xx or 3xx; a redirect is not followed
#   perl ready-check.pl log <regex> <file>   a line of svlogd's <file>, without its timestamp, matches
#
# Exits 0 when ready, 1 when not (the reason on stderr), 2 on a bad call.
use strict;
use warnings;

my ($kind, @args) = @ARGV;
$kind = '' unless defined $kind;

if ($kind eq 'tcp' && @args == 1) {
    require IO::Socket::INET;
    my $socket = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $args[0], Proto => 'tcp', Timeout => 1);
    exit 0 if $socket;
    print STDERR "tcp 127.0.0.1:$args[0]: $@\n";
    exit 1;
}
if ($kind eq 'http' && @args == 1) {
    require HTTP::Tiny;
    # max_redirect 0: a 3xx is the answer, as with Java's setInstanceFollowRedirects(false).
    my $response = HTTP::Tiny->new(timeout => 2, max_redirect => 0)->get($args[0]);
    my $status = $response->{status};
    exit 0 if $status >= 200 && $status < 400;
    # HTTP::Tiny reports its own failures (refused, timeout) as status 599 with the reason as content.
    print STDERR "http GET $args[0]: ", ($status == 599 ? $response->{content} : "HTTP $status"), "\n";
    exit 1;
}
if ($kind eq 'log' && @args == 2) {
    my ($pattern, $file) = @args;
    open(my $in, '<', $file) or do { print STDERR "$file: $!\n"; exit 1 };
    while (my $line = <$in>) {
        chomp $line;
        $line =~ s/^\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d\.\d+ //;    # svlogd -tt's timestamp
        exit 0 if $line =~ /$pattern/;
    }
    print STDERR "no line of $file matches /$pattern/\n";
    exit 1;
}
print STDERR "usage: ready-check.pl tcp <port> | http <url> | log <regex> <file>\n";
exit 2;
