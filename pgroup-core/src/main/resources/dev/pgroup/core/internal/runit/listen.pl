#!/usr/bin/perl
# Written by pgroup. Hands a process its passed sockets when one of them sits above fd 9, where a
# POSIX shell cannot name it (a group that passes more than seven sockets); every other run script
# does this in the shell. The group's watchdog bound every socket of the group at start; the run
# script inherited them all on fds FIRST..LAST.
#
#   perl listen.pl <protocol> <first> <last> <fd>=<name>... -- <program> <arg>...
#
# protocol systemd: its sockets on fd 3, 4, ..., LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES (sd_listen_fds(3))
#          nginx:   its sockets on fd 3, 4, ..., NGINX="3;4;"
#          stdin:   its one socket on fd 0 (inetd style; Java's System.inheritedChannel())
# Every other fd above 2 is closed, and exec keeps the pid: LISTEN_PID is the daemon's own.
use strict;
use warnings;
use POSIX ();

sub fail {
    print STDERR "pgroup: $_[0]\n";
    exit 111;
}

my ($protocol, $first, $last, @rest) = @ARGV;
my (@fds, @names);
while (@rest && $rest[0] ne '--') {
    my ($fd, $name) = split /=/, shift(@rest), 2;
    push @fds, $fd;
    push @names, $name;
}
shift @rest;
fail("usage: listen.pl systemd|nginx|stdin <first> <last> <fd>=<name>... -- <program> <arg>...")
    unless defined $last && $protocol =~ /^(systemd|nginx|stdin)$/ && @fds && @rest;
fail("the stdin protocol passes one socket, not " . scalar(@fds)) if $protocol eq 'stdin' && @fds != 1;

my $target = $protocol eq 'stdin' ? 0 : 3;
# Lift this process's sockets above every fd in play first, so that putting one in place cannot
# close another that sits there; then close the group's fds and put them in place.
my $above = $last + 1;
my @high;
for my $fd (@fds) {
    my ($high, @low) = (POSIX::dup($fd));
    while (defined $high && $high < $above) { push @low, $high; $high = POSIX::dup($high) }
    POSIX::close($_) for @low;
    defined $high or fail("cannot duplicate fd $fd: $!");
    push @high, $high;
}
# Close the group's sockets and anything else above fd 2 but the lifted ones: with fds 10 and up
# taken by sockets, dash leaves its copy of the run script open across exec.
my %keep = map { $_ => 1 } @high;
my @open = $first .. $last;
if (opendir(my $d, '/dev/fd')) {
    push @open, grep { /^\d+$/ && $_ > 2 } readdir($d);
    closedir($d);
}
POSIX::close($_) for grep { !$keep{$_} } @open;
for my $i (0 .. $#high) {
    defined POSIX::dup2($high[$i], $target + $i) or fail("cannot move a socket to fd " . ($target + $i) . ": $!");
    POSIX::close($high[$i]);
}

delete @ENV{qw(LISTEN_FDS LISTEN_PID LISTEN_FDNAMES NGINX)};
if ($protocol eq 'systemd') {
    $ENV{LISTEN_FDS} = scalar @fds;
    $ENV{LISTEN_PID} = $$;    # exec keeps the pid: it is the daemon's own
    $ENV{LISTEN_FDNAMES} = join ':', @names;
} elsif ($protocol eq 'nginx') {
    $ENV{NGINX} = join '', map { ($target + $_) . ';' } 0 .. $#fds;
}

{
    no warnings 'exec';    # fail() says it better than perl's own warning
    exec { $rest[0] } @rest;
    fail("cannot run $rest[0]: $!");
}
