# Runs a command as the child of a child subreaper (Linux), so that every process the command's
# tree leaves behind (runsv after runsvdir's HUP, a daemonized supervisord) is re-parented to this
# script and reaped here, not by init. The CPU time of such orphans then adds up in this process's
# cutime/cstime (/proc/<pid>/stat), where bench/ScaleBench.java reads it: the bench's CPU figure is
# the driver JVM plus every process it caused, for pgroup and the baselines alike.
#
# Usage: perl bench/subreaper.pl COMMAND [ARG...]; exits with the command's status. The command
# finds this process in $BENCH_REAPER_PID. Processes still left once the command has exited are
# reported, given 10 s, then TERMed and KILLed by pid: the bench leaks nothing even when it fails.
use strict;
use warnings;
use Config;

my $subreaper = become_subreaper();
warn "subreaper: not a child subreaper here ($^O); the bench reports no CPU time for orphans\n" unless $subreaper;
$ENV{BENCH_REAPER_PID} = $subreaper ? $$ : '';

my $child = fork();
die "subreaper: fork: $!\n" unless defined $child;
if ($child == 0) {
    exec(@ARGV) or die "subreaper: cannot exec $ARGV[0]: $!\n";
}
$SIG{INT} = $SIG{TERM} = sub { kill('TERM', $child) };

my $status = 0;
my $deadline;
while (1) {
    my $pid = waitpid(-1, $deadline ? 1 : 0);    # 1 = WNOHANG once the command is gone
    if ($pid == $child) {
        $status = $? >> 8 || ($? & 127 ? 128 + ($? & 127) : 0);
        # pgroup's watchdog launcher exits on its own once it reads EOF from the JVM that just
        # exited: only what is still there a second later is left over.
        my $grace = time() + 1;
        select(undef, undef, undef, 0.02) while children() && time() < $grace && waitpid(-1, 1) >= 0;
        my @left = children();
        last unless @left;
        warn "subreaper: the command left " . scalar(@left) . " process(es): @left; TERM in 10 s\n";
        $deadline = time() + 10;
        next;
    }
    if ($pid == -1) {
        last if $!{ECHILD};
        next;    # EINTR
    }
    if ($pid == 0) {
        if (time() >= $deadline) {
            my @left = children();
            last unless @left;
            warn "subreaper: killing leftover process(es) @left\n";
            kill('TERM', @left);
            select(undef, undef, undef, 1);
            kill('KILL', children());
            $deadline = time() + 5;
        }
        select(undef, undef, undef, 0.1);
    }
}
exit $status;

# This process's children (a scan of /proc; this kernel has no /proc/<pid>/task/*/children).
sub children {
    my @out;
    opendir(my $d, '/proc') or return ();
    for my $pid (grep { /^\d+$/ } readdir($d)) {
        open(my $f, '<', "/proc/$pid/stat") or next;
        my $stat = <$f> // '';
        push(@out, $pid) if $stat =~ /.*\)\s+\S+\s+(\d+)/ && $1 == $$;
    }
    closedir($d);
    return @out;
}

# prctl(PR_SET_CHILD_SUBREAPER, 1) by syscall number, as pgroup's owner-watchdog.pl does.
sub become_subreaper {
    return 0 unless $^O eq 'linux';
    my %sys_prctl = (x86_64 => 157, aarch64 => 167, i386 => 172, arm => 172);
    my ($arch) = $Config{archname} =~ /^(x86_64|aarch64|arm|i[3-6]86)/;
    return 0 unless defined $arch;
    $arch = 'i386' if $arch =~ /^i[3-6]86$/;
    return syscall($sys_prctl{$arch}, 36, 1, 0, 0, 0) == 0 ? 1 : 0;
}
