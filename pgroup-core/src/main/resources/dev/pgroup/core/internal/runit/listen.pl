#!/usr/bin/perl
# Written by pgroup. Binds the listening sockets of one process, then execs the process with them
# (socket passing): the port accepts connections before the daemon has even started, and no other
# program can take it in between.
#
#   perl listen.pl <protocol> <process> <marker> <name>=<port>... -- <program> <arg>...
#
# protocol systemd: sockets on fd 3, 4, ..., LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES (sd_listen_fds(3))
#          nginx:   sockets on fd 3, 4, ..., NGINX="3;4;"
#          stdin:   the one socket on fd 0 (inetd style; Java's System.inheritedChannel())
#
# Once every socket listens it writes its pid to <marker>. exec keeps the pid, so pgroup knows that
# the process runit supervises has its sockets: it is ready without polling the port.
# A bind that fails (the port was taken after pgroup leased it) is reported on stderr and exits 111.
use strict;
use warnings;
use Config;

# Socket constants. Loading perl's Socket module costs 3-4 ms, half of this launcher, so on the
# common platforms the values (fixed by their ABIs) are written here; anywhere else Socket is used.
my ($AF_INET, $SOCK_STREAM, $SOL_SOCKET, $SO_REUSEADDR, $SOMAXCONN, $sockaddr);
my $loopback = pack('C4', 127, 0, 0, 1);
if ($^O eq 'linux' && $Config{archname} =~ /^(x86_64|i[3-6]86|aarch64|arm)/) {
    ($AF_INET, $SOCK_STREAM, $SOL_SOCKET, $SO_REUSEADDR, $SOMAXCONN) = (2, 1, 1, 2, 4096);
    $sockaddr = sub { pack('S n a4 x8', $AF_INET, $_[0], $loopback) };
} elsif ($^O eq 'darwin') {
    ($AF_INET, $SOCK_STREAM, $SOL_SOCKET, $SO_REUSEADDR, $SOMAXCONN) = (2, 1, 0xffff, 4, 128);
    $sockaddr = sub { pack('C C n a4 x8', 16, $AF_INET, $_[0], $loopback) };
} else {
    require Socket;
    ($AF_INET, $SOCK_STREAM, $SOL_SOCKET, $SO_REUSEADDR, $SOMAXCONN) =
        (Socket::AF_INET(), Socket::SOCK_STREAM(), Socket::SOL_SOCKET(), Socket::SO_REUSEADDR(), Socket::SOMAXCONN());
    $sockaddr = sub { Socket::pack_sockaddr_in($_[0], $loopback) };
}

# No Fcntl or POSIX: loading POSIX alone costs ~4 ms, a third of this launcher. Sockets are made
# inheritable with $^F and land on fd 3 upwards by themselves; POSIX is loaded only if they don't.

# The address the tcp ready check and the documentation use: loopback only, never the network.
my $host = '127.0.0.1';

sub fail {
    print STDERR "pgroup: $_[0]\n";
    exit 111;
}

my ($protocol, $process, $marker, @rest) = @ARGV;
my @ports;
while (@rest && $rest[0] ne '--') {
    my ($name, $port) = split /=/, shift(@rest), 2;
    push @ports, [$name, $port];
}
shift @rest;
fail("usage: listen.pl systemd|nginx|stdin <process> <marker> <name>=<port>... -- <program> <arg>...")
    unless defined $marker && $protocol =~ /^(systemd|nginx|stdin)$/ && @ports && @rest;
fail("the stdin protocol passes one socket, not " . scalar(@ports)) if $protocol eq 'stdin' && @ports != 1;

# Sockets created from here on are not close-on-exec: they reach the daemon.
$^F = 1023;
my @sockets;
for my $p (@ports) {
    my ($name, $port) = @$p;
    my $what = "$host:$port (port \"$name\" of process \"$process\")";
    socket(my $s, $AF_INET, $SOCK_STREAM, 0) or fail("cannot create a socket for $what: $!");
    # A restarted daemon must be able to listen again while old connections sit in TIME_WAIT.
    # It does not let two sockets listen on one port: a port taken by another program still fails.
    setsockopt($s, $SOL_SOCKET, $SO_REUSEADDR, 1) or fail("cannot set SO_REUSEADDR for $what: $!");
    bind($s, $sockaddr->($port)) or fail("cannot listen on $what: $!");
    listen($s, $SOMAXCONN) or fail("cannot listen on $what: $!");
    push @sockets, $s;
}

my $first = $protocol eq 'stdin' ? 0 : 3;
if ($protocol eq 'stdin') {
    open(STDIN, '+<&', $sockets[0]) or fail("cannot move the socket to fd 0: $!");
    close($sockets[0]);
} elsif (grep { fileno($sockets[$_]) != $first + $_ } 0 .. $#sockets) {
    # runsv leaves only fds 0-2 open, so the sockets are on 3, 4, ... already; this is for the odd
    # environment that leaves more. Lift every socket above the targets first, so that putting
    # one in place cannot close another that happens to sit there.
    require POSIX;
    my $above = $first + @sockets;
    my @high;
    for my $s (@sockets) {
        my ($fd, @low) = (POSIX::dup(fileno($s)));
        while (defined $fd && $fd < $above) { push @low, $fd; $fd = POSIX::dup($fd) }
        POSIX::close($_) for @low;
        defined $fd or fail("cannot duplicate a socket: $!");
        push @high, $fd;
    }
    close($_) for @sockets;
    for my $i (0 .. $#high) {
        defined POSIX::dup2($high[$i], $first + $i) or fail("cannot move a socket to fd " . ($first + $i) . ": $!");
        POSIX::close($high[$i]);
    }
}

delete @ENV{qw(LISTEN_FDS LISTEN_PID LISTEN_FDNAMES NGINX)};
if ($protocol eq 'systemd') {
    $ENV{LISTEN_FDS} = scalar @ports;
    $ENV{LISTEN_PID} = $$; # exec keeps the pid: it is the daemon's own
    $ENV{LISTEN_FDNAMES} = join ':', map { $_->[0] } @ports;
} elsif ($protocol eq 'nginx') {
    $ENV{NGINX} = join '', map { ($first + $_) . ';' } 0 .. $#ports;
}

# The signal mask is clean already: pgroup starts runsvdir with none blocked (the JVM blocks QUIT).
$SIG{$_} = 'DEFAULT' for qw(PIPE XFSZ);

my $tmp = "$marker.$$";
open(my $m, '>', $tmp) or fail("cannot write $tmp: $!");
print $m "$$\n";
close($m) or fail("cannot write $tmp: $!");
rename($tmp, $marker) or fail("cannot rename $tmp to $marker: $!");

{
    no warnings 'exec'; # fail() says it better than perl's own warning
    exec { $rest[0] } @rest;
    fail("cannot run $rest[0]: $!");
}
