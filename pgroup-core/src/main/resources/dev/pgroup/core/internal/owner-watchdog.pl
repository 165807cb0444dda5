# pgroup owner watchdog. Usage: perl owner-watchdog.pl RUNSVDIR GROUP_DIR
#
# Runs `RUNSVDIR -P GROUP_DIR` as its child and prints the child's pid. Its stdin is a pipe whose
# write end the owning JVM holds:
#   - a line "hup" makes it send HUP to runsvdir (pgroup's stop; the JVM cannot send HUP itself);
#   - EOF means the owner is gone, even after SIGKILL: it tears the whole group down;
#   - when runsvdir exits (after a stop), it exits too.
# Each runsv leads a process group of its own (runsvdir -P), holding runsv, the service and svlogd,
# so signalling the process groups reaches every process of the group.
use strict;
use warnings;

# No `use POSIX`: loading it costs ~20 ms, a tenth of a whole group lifecycle. WNOHANG is 1 on
# Linux and macOS.
use constant WNOHANG => 1;

my ($runsvdir, $dir) = @ARGV;
$| = 1;
my $child = fork();
die "pgroup watchdog: fork: $!\n" unless defined $child;
if ($child == 0) {
    # A process group of its own: Ctrl-C in the owner's terminal reaches the owner and this
    # watchdog, never runsvdir, whose death by SIGINT would orphan its runsv processes.
    setpgrp(0, 0);
    # The JVM blocks SIGQUIT in its threads, and a child inherits the mask through every exec:
    # services would never see QUIT (nginx's and gunicorn's graceful stop). Start them clean.
    require POSIX;
    POSIX::sigprocmask(POSIX::SIG_SETMASK(), POSIX::SigSet->new());
    $SIG{$_} = 'DEFAULT' for qw(PIPE XFSZ QUIT INT HUP TERM);
    open(STDIN, '<', '/dev/null');
    open(STDOUT, '>&', \*STDERR);    # never write into the owner's pipe
    exec($runsvdir, '-P', $dir) or do { print STDERR "pgroup watchdog: cannot exec $runsvdir: $!\n"; exit 111 };
}
print "$child\n";

my $child_exited = 0;
$SIG{CHLD} = sub { $child_exited = 1 if waitpid($child, WNOHANG) == $child };
$SIG{HUP} = 'IGNORE';
$SIG{INT} = 'IGNORE';   # Ctrl-C reaches the whole foreground process group; the owner decides.

my $input = '';
while (1) {
    exit 0 if $child_exited || waitpid($child, WNOHANG) == $child;
    my $rin = '';
    vec($rin, fileno(STDIN), 1) = 1;
    my $ready = select(my $rout = $rin, undef, undef, 0.5);
    next if $ready <= 0;    # timeout or EINTR (SIGCHLD)
    my $got = sysread(STDIN, my $buf, 256);
    last if !defined($got) || $got == 0;    # the owner is gone
    $input .= $buf;
    while ($input =~ s/^([^\n]*)\n//) {
        kill('HUP', $child) if $1 eq 'hup';
    }
}

# The owner died without stopping the group: stop everything it left.
my @groups = runsv_children($child);
kill('TERM', $child);    # runsvdir exits at once on TERM and restarts nothing
waitpid($child, 0);
kill('-TERM', @groups) if @groups;
my $deadline = time() + 2;
while (time() < $deadline && live_groups(@groups)) {
    select(undef, undef, undef, 0.02);
}
my @left = live_groups(@groups);
kill('-KILL', @left) if @left;
exit 0;

# Those of the process groups that still have a live member. On Linux zombies do not count: a
# process whose parent died waits for PID 1 to reap it, which in a container may take long.
sub live_groups {
    my %wanted = map { $_ => 1 } @_;
    return grep { kill(0, -$_) } @_ unless -d '/proc/self';
    my %live;
    opendir(my $d, '/proc') or return ();
    for my $pid (grep { /^\d+$/ } readdir($d)) {
        open(my $f, '<', "/proc/$pid/stat") or next;
        my $stat = <$f>;
        close($f);
        next unless defined $stat && $stat =~ /\)\s+(\S+)\s+\d+\s+(\d+)/;
        $live{$2} = 1 if $1 ne 'Z' && $wanted{$2};
    }
    closedir($d);
    return grep { $live{$_} } @_;
}

# The pids of runsvdir's children (the runsv processes): /proc on Linux, ps elsewhere.
sub runsv_children {
    my ($parent) = @_;
    my @pids;
    if (-d '/proc/self') {
        opendir(my $d, '/proc') or return ();
        for my $pid (grep { /^\d+$/ } readdir($d)) {
            open(my $f, '<', "/proc/$pid/stat") or next;
            my $stat = <$f>;
            close($f);
            next unless defined $stat && $stat =~ /\)\s+\S+\s+(\d+)/;
            push(@pids, $pid) if $1 == $parent;
        }
        closedir($d);
    } else {
        for (`ps -A -o pid= -o ppid=`) {
            push(@pids, $1) if /^\s*(\d+)\s+(\d+)/ && $2 == $parent;
        }
    }
    return @pids;
}
