# pgroup watchdog launcher. Usage: perl watchdog-launcher.pl WATCHDOG_SCRIPT ARCH [PADDING]
#
# One per JVM (WatchdogLauncher.java). It compiles owner-watchdog.pl once and forks one watchdog
# per group from it, so a group's start costs a fork instead of a JVM spawn, a perl start and a
# compile. Requests come on stdin, one line each, fields separated by spaces and %-escaped:
#   env ENV NAME=VALUE...                  an environment, for the starts that name it
#   start ID ENV RUNSVDIR GROUP_DIR LOG [PORT:PROCESS:NAME]...
#   hup ID | detach ID | release ID
# Answers go to stdout, one line each, first field the request's ID. A line is one write(2) of
# less than PIPE_BUF, so the lines of the launcher and its children never interleave:
#   ID PID RUNSVDIR_PID SUBREAPER      the watchdog PID runs the group (from the child)
#   ID PID listen INDEX MESSAGE        socket INDEX could not be bound; nothing runs (from the child)
#   ID exit STATUS                     the watchdog exited (always, after its own line if any)
#   ID detached | ID gone              the answer to detach
#   ID error MESSAGE                   the request failed
#
# Each watchdog keeps every guarantee of a watchdog of its own (see owner-watchdog.pl): its stdin
# is a pipe whose write end only this launcher holds, one pipe per group, which is the group's
# lease. "release" closes it, so the watchdog tears the group down unless it was detached; when the
# JVM dies, however it dies, this launcher reads EOF and exits, and the kernel closes every lease;
# when this launcher is killed, the kernel closes them too. A watchdog holds no lease but its own,
# nor the request pipe: a sibling's or the JVM's end of the pipe would keep a lease alive.
use strict;

# Read by owner-watchdog.pl: load the subs, run no watchdog.
our $pgroup_launcher = 1;
sub WNOHANG_ () { 1 }

my ($library, $arch) = @ARGV;
do $library;
die "pgroup watchdog launcher: cannot load $library: " . ($@ || $!) . "\n" unless defined &watchdog;
$| = 1;

# Not the owner's terminal's business: the owner stops its groups, or its death ends them.
setpgrp(0, 0);
$SIG{HUP} = 'IGNORE';
$SIG{INT} = 'IGNORE';
$SIG{PIPE} = 'IGNORE';    # a lease whose watchdog is gone: the write fails, nothing more
$SIG{CHLD} = sub { };     # interrupts select, so a watchdog's exit is answered at once

my %lease;        # ID -> write end of the group's pipe
my %request_of;   # watchdog pid -> ID
my %environment;  # ENV -> { NAME => VALUE }
print "ready $$\n";

my $pending = '';
while (1) {
    reap_watchdogs();
    my $rin = '';
    vec($rin, 0, 1) = 1;
    my $ready = select(my $rout = $rin, undef, undef, 0.25);
    next if $ready <= 0;    # timeout or EINTR (SIGCHLD)
    my $got = sysread(STDIN, $pending, 65536, length($pending));
    if (!defined($got)) {
        next if $! == 4 || $! == 11 || $! == 35;    # EINTR, EAGAIN (Linux, macOS): try again
        last;
    }
    last if $got == 0;    # the owner is gone
    while ($pending =~ s/^([^\n]*)\n//) {
        request(map { unescape($_) } split(/ /, $1));
    }
}

# The JVM is gone: every lease ends, so every group not detached tears itself down.
close($_) for values %lease;
exit 0;

sub request {
    my ($what, $id, @args) = @_;
    return unless defined $id;
    if ($what eq 'start') {
        start_watchdog($id, @args);
    } elsif ($what eq 'env') {
        $environment{$id} = { map { split(/=/, $_, 2) } @args };
    } elsif ($what eq 'hup') {
        syswrite($lease{$id}, "hup\n") if $lease{$id};
    } elsif ($what eq 'detach') {
        my $sent = $lease{$id} && syswrite($lease{$id}, "detach\n");
        close(delete $lease{$id}) if $lease{$id};
        answer($sent ? "$id detached" : "$id gone");
    } elsif ($what eq 'release') {
        close(delete $lease{$id}) if $lease{$id};
    }
}

sub start_watchdog {
    my ($id, $env, $runsvdir, $dir, $log, @listen) = @_;
    my $vars = $environment{$env};
    return answer("$id error unknown environment $env") unless $vars;
    my ($read, $write);
    pipe($read, $write) or return answer("$id error cannot create a pipe: $!");
    my $pid = fork();
    if (!defined $pid) {
        answer("$id error cannot fork: $!");
        close($read);
        close($write);
        return;
    }
    if ($pid == 0) {
        # The lease: this group's pipe on stdin, and no other lease nor the request pipe.
        close($_) for values %lease;
        close($write);
        open(STDIN, '<&', $read) or die "pgroup watchdog: cannot read its lease: $!\n";
        close($read);
        if (!open(STDERR, '>>', $log)) {
            answer("$id error cannot open $log: $!");
            exit 111;
        }
        if (!chdir($dir)) {
            print STDERR "pgroup watchdog: cannot enter $dir: $!\n";
            answer("$id error cannot enter $dir: $!");
            exit 111;
        }
        # Named after its group: the pid file check (Processes.findInGroup) wants the group dir in
        # the command line or the working dir; the launcher's PADDING argument makes room for it.
        $0 = "$dir/.pgroup/owner-watchdog";
        %ENV = %$vars;    # runsvdir's, as the engine gives it; this launcher runs with none
        watchdog(sub { print "$id $$ $_[0]\n" }, $runsvdir, $dir, $arch, @listen);
    }
    close($read);
    $lease{$id} = $write;
    $request_of{$pid} = $id;
}

# Reaps every watchdog that exited and says so; its lease is of no use any more.
sub reap_watchdogs {
    while ((my $pid = waitpid(-1, WNOHANG_)) > 0) {
        my $id = delete $request_of{$pid};
        next unless defined $id;
        close(delete $lease{$id}) if $lease{$id};
        answer("$id exit $?");
    }
}

# One line to the JVM, in one write: shorter than PIPE_BUF, so no other line splits it.
sub answer {
    print substr($_[0], 0, 500), "\n";
}

sub unescape {
    my ($s) = @_;
    $s =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge;
    return $s;
}
