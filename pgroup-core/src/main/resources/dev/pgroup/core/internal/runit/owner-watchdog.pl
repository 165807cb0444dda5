# pgroup watchdog. Usage: perl owner-watchdog.pl RUNSVDIR GROUP_DIR ARCH [PORT:PROCESS:NAME]...
#
# The engine does not run this file per group: watchdog-launcher.pl loads it once per JVM and
# forks one watchdog per group from it, which calls watchdog() below with its replies tagged for
# the launcher's shared answer pipe. Run on its own (as above), it is one group's watchdog.
#
# Binds 127.0.0.1:PORT for each PORT:PROCESS:NAME (socket passing), runs `RUNSVDIR -P GROUP_DIR` as
# its child with those listening sockets on fds 3, 4, ..., and prints "<runsvdir pid> <subreaper
# 1|0>". runsvdir and runsv close none of the fds they inherit, so every run script has the
# sockets and hands its own to its daemon; and since they hold them while the group runs, a daemon
# runsv restarts gets the same socket again, with no moment where connections are refused. A
# socket that cannot be bound prints "listen <index> <message>" instead, and nothing is run. Its stdin is
# a pipe whose write end the JVM that starts the group holds:
#   - a line "hup" makes it send HUP to runsvdir (pgroup's stop; the JVM cannot send HUP itself);
#   - a line "detach" ends the lease: the group outlives that JVM (the CLI's detached groups, once
#     their start succeeded);
#   - EOF before "detach" means the owner is gone, even after SIGKILL, or its start failed: it tears
#     the whole group down;
#   - TERM tears the group down too;
#   - it exits once runsvdir has exited and it has no child left.
#
# On Linux it makes itself a child subreaper: a service's double-forked, setsid or otherwise
# orphaned children are re-parented to it, not to init, so they stay findable as its descendants
# (pgroup's stop kills them) and it reaps them. Elsewhere (macOS) orphans go to launchd; what still
# reaches them is the process group: runsvdir -P puts each runsv in a session and process group of
# its own, which its service, svlogd and every child that did not call setsid(2) or setpgid(2)
# share. A child that did escape its process group is out of reach there.
use strict;

# No module but strict on the start path: `use POSIX` costs ~20 ms, a tenth of a whole group
# lifecycle, and `use warnings`, `use Config` and `use constant` (which loads warnings) about 2 ms
# more on every start even on a quiet machine. ARCH, the JVM's os.arch, names the syscall table
# instead of $Config{archname}. WNOHANG is 1 on Linux and macOS.
sub WNOHANG () { 1 }

# One group's state; file-wide, since the subs below share it.
our ($runsvdir, $dir, $arch_name, $reply, $subreaper, $child);
our ($runsvdir_exited, $detached, $teardown, $stdin_open) = (0, 0, 0, 1);

# Run as a script: one watchdog, answering on stdout. The launcher sets $main::pgroup_launcher
# before it loads this file, and calls watchdog() in each child it forks.
watchdog(sub { print "$_[0]\n" }, @ARGV) unless $main::pgroup_launcher;

# The watchdog of one group; never returns. REPLY writes one line to the owner (the launcher's
# version tags it with the request and the watchdog's pid).
sub watchdog {
    my @listen;
    ($reply, $runsvdir, $dir, $arch_name, @listen) = @_;
    $arch_name = '' unless defined $arch_name;
    $| = 1;

    # A process group of its own: Ctrl-C or a hang-up aimed at the owner's terminal is the owner's
    # business (it stops the group, or its death closes the pipe), and a detached group survives the
    # shell that started it.
    setpgrp(0, 0);
    $subreaper = become_subreaper();
    my @sockets = listen_all(@listen);

    $child = fork();
    die "pgroup watchdog: fork: $!\n" unless defined $child;
    if ($child == 0) {
        setpgrp(0, 0);
        place_sockets(@sockets);
        # The JVM blocks SIGQUIT in its threads, and a child inherits the mask through every exec:
        # services would never see QUIT (nginx's and gunicorn's graceful stop). Start them clean.
        clear_signal_mask();
        $SIG{$_} = 'DEFAULT' for qw(PIPE XFSZ QUIT INT HUP TERM);
        open(STDIN, '<', '/dev/null');
        open(STDOUT, '>&', \*STDERR);    # never write into the owner's pipe
        exec($runsvdir, '-P', $dir) or do { print STDERR "pgroup watchdog: cannot exec $runsvdir: $!\n"; exit 111 };
    }
    # runsvdir holds the sockets now, and every runsv and service after it; the group's stop closes them.
    close($_) for @sockets;
    $reply->("$child $subreaper");
    open(STDOUT, '>&', \*STDERR);        # the owner reads one line; a detached owner reads nothing more

    $SIG{CHLD} = sub { };     # interrupts select, so exits are seen at once
    $SIG{HUP} = 'IGNORE';
    $SIG{INT} = 'IGNORE';     # the owner decides
    $SIG{PIPE} = 'IGNORE';
    $SIG{TERM} = sub { $teardown = 1 };

    while (!$teardown) {
        my $children_left = reap();
        quick_exit() if $runsvdir_exited && !$children_left;
        # After runsvdir is gone only a stop is finishing: look often, so the stopper's wait is short.
        my $timeout = $runsvdir_exited ? 0.01 : 0.5;
        if (!$stdin_open) {
            select(undef, undef, undef, $timeout);
            next;
        }
        my $rin = '';
        vec($rin, fileno(STDIN), 1) = 1;
        my $ready = select(my $rout = $rin, undef, undef, $timeout);
        next if $ready <= 0;    # timeout or EINTR (SIGCHLD, TERM)
        my $got = sysread(STDIN, my $buf, 256);
        if (!defined($got) || $got == 0) {
            last unless $detached;    # the owner is gone, or its start failed
            $stdin_open = 0;
            next;
        }
        foreach my $line (split(/\n/, $buf)) {
            kill('HUP', $child) if $line eq 'hup' && !$runsvdir_exited;
            $detached = 1 if $line eq 'detach';
        }
    }

    # The owner died, its start failed, or someone sent TERM: stop everything of the group.
    teardown();
    quick_exit();
}

# Exits with status 0 by exit_group(2) where its number is known, else by exit. Perl's own exit
# runs its global destruction, which walks and frees the interpreter's memory; in a watchdog forked
# from the launcher those pages are shared with it, so each one touched is first copied. At a few
# hundred groups stopping at once that was a tenth of a stop's CPU. Nothing is left to flush:
# STDERR, the log, is unbuffered, and STDOUT writes there.
sub quick_exit {
    if ($^O eq 'linux') {
        my %sys_exit_group = (x86_64 => 231, aarch64 => 94, i386 => 252, arm => 248);
        my $arch = linux_arch();
        syscall($sys_exit_group{$arch}, 0) if defined $arch;
    }
    exit 0;
}

# Reaps every child that exited (orphans too, as a subreaper); returns whether any child is left.
sub reap {
    while (1) {
        my $pid = waitpid(-1, WNOHANG);
        return 1 if $pid == 0;
        return 0 if $pid < 0;
        $runsvdir_exited = 1 if $pid == $child;
    }
}

sub teardown {
    my @pids = descendants($$);
    kill('TERM', $child) unless $runsvdir_exited;    # exits at once and restarts nothing
    # TERM every process, and every process group a descendant leads (each runsv's, on macOS the
    # only way to reach an orphan).
    kill('TERM', @pids) if @pids;
    kill('-TERM', @pids) if @pids;
    my $deadline = time() + 2;
    while (time() < $deadline && reap()) {
        select(undef, undef, undef, 0.02);
        last if !$subreaper && !grep { kill(0, $_) || kill(0, -$_) } @pids;
    }
    my @left = (descendants($$), @pids);
    kill('KILL', @left);
    kill('-KILL', @left);
    $deadline = time() + 2;
    while (time() < $deadline && reap()) {
        select(undef, undef, undef, 0.02);
    }
    # Containers run outside this process tree: a killed engine client leaves its container
    # running. The group's script (ContainerRemoval.java) removes them by the group's label.
    my $remove = "$dir/.pgroup/remove-containers";
    system('/bin/sh', $remove) if -f $remove;
}

# Every descendant of $root: /proc on Linux, ps elsewhere. Used only to tear down, never per poll.
sub descendants {
    my ($root) = @_;
    my %children;
    if (-d '/proc/self') {
        opendir(my $d, '/proc') or return ();
        for my $pid (grep { /^\d+$/ } readdir($d)) {
            open(my $f, '<', "/proc/$pid/stat") or next;
            my $stat = <$f>;
            close($f);
            next unless defined $stat && $stat =~ /\)\s+(\S+)\s+(\d+)/;
            push(@{$children{$2}}, $pid) if $1 ne 'Z';
        }
        closedir($d);
    } else {
        for (`ps -A -o pid= -o ppid=`) {
            push(@{$children{$2}}, $1) if /^\s*(\d+)\s+(\d+)/;
        }
    }
    my @out;
    my @todo = ($root);
    while (@todo) {
        my $p = shift(@todo);
        for my $c (@{$children{$p} || []}) {
            push(@out, $c);
            push(@todo, $c);
        }
    }
    return @out;
}

# Binds and listens on 127.0.0.1:PORT for each "PORT:PROCESS:NAME", in order; the sockets are not
# close-on-exec, so runsvdir inherits them. On failure it says which socket and exits: nothing runs.
sub listen_all {
    return () unless @_;
    # Socket constants. Loading perl's Socket module costs 3-4 ms, a large part of a start, so on
    # the common platforms the values (fixed by their ABIs) are written here; elsewhere Socket is used.
    my ($AF_INET, $SOCK_STREAM, $SOL_SOCKET, $SO_REUSEADDR, $SOMAXCONN, $sockaddr);
    # Loopback only, never the network: the address the tcp ready check and the documentation use.
    my $loopback = pack('C4', 127, 0, 0, 1);
    if ($^O eq 'linux' && defined linux_arch()) {
        ($AF_INET, $SOCK_STREAM, $SOL_SOCKET, $SO_REUSEADDR, $SOMAXCONN) = (2, 1, 1, 2, 4096);
        $sockaddr = sub { pack('S n a4 x8', $AF_INET, $_[0], $loopback) };
    } elsif ($^O eq 'darwin') {
        ($AF_INET, $SOCK_STREAM, $SOL_SOCKET, $SO_REUSEADDR, $SOMAXCONN) = (2, 1, 0xffff, 4, 128);
        $sockaddr = sub { pack('C C n a4 x8', 16, $AF_INET, $_[0], $loopback) };
    } else {
        require Socket;
        ($AF_INET, $SOCK_STREAM, $SOL_SOCKET, $SO_REUSEADDR, $SOMAXCONN) =
            (Socket::AF_INET(), Socket::SOCK_STREAM(), Socket::SOL_SOCKET(), Socket::SO_REUSEADDR(),
             Socket::SOMAXCONN());
        $sockaddr = sub { Socket::pack_sockaddr_in($_[0], $loopback) };
    }
    local $^F = 1023;    # sockets created while this is set are not close-on-exec
    my @out;
    for my $i (0 .. $#_) {
        my ($port, $process, $name) = split(/:/, $_[$i], 3);
        my $what = "127.0.0.1:$port (port \"$name\" of process \"$process\")";
        my $s;
        socket($s, $AF_INET, $SOCK_STREAM, 0) or listen_failed($i, "cannot create a socket for $what: $!");
        # A restarted group must listen again while old connections sit in TIME_WAIT. It does not
        # let two sockets listen on one port: a port another program holds still fails.
        setsockopt($s, $SOL_SOCKET, $SO_REUSEADDR, 1) or listen_failed($i, "cannot set SO_REUSEADDR for $what: $!");
        bind($s, $sockaddr->($port)) or listen_failed($i, "cannot listen on $what: $!");
        listen($s, $SOMAXCONN) or listen_failed($i, "cannot listen on $what: $!");
        push(@out, $s);
    }
    return @out;
}

sub listen_failed {
    my ($index, $message) = @_;
    print STDERR "pgroup: $message\n";
    $reply->("listen $index $message");
    exit 111;
}

# Puts the sockets on fds 3, 4, ... in this child, where the run scripts look for them. A process
# that the JVM started has only fds 0-2 open, so they are there already; this is for the odd
# environment that leaves more (and loads POSIX only then). Every socket is lifted above the targets
# first, so that putting one in place cannot close another that sits there.
sub place_sockets {
    my @sockets = @_;
    return unless grep { fileno($sockets[$_]) != 3 + $_ } 0 .. $#sockets;
    require POSIX;
    my $above = 3 + @sockets;
    my @high;
    for my $s (@sockets) {
        my ($fd, @low) = (POSIX::dup(fileno($s)));
        while (defined $fd && $fd < $above) { push(@low, $fd); $fd = POSIX::dup($fd) }
        POSIX::close($_) for @low;
        defined $fd or die "pgroup watchdog: cannot duplicate a socket: $!\n";
        push(@high, $fd);
    }
    close($_) for @sockets;
    for my $i (0 .. $#high) {
        defined POSIX::dup2($high[$i], 3 + $i) or die "pgroup watchdog: cannot move a socket to fd " . (3 + $i) . ": $!\n";
        POSIX::close($high[$i]);
    }
}

# Unblocks every signal. On Linux through rt_sigprocmask(2) by syscall: loading POSIX for its
# sigprocmask costs ~8 ms, and runsvdir starts only after it, on every group start. Elsewhere, or
# if the syscall fails, POSIX does it.
sub clear_signal_mask {
    if ($^O eq 'linux') {
        my %sys_rt_sigprocmask = (x86_64 => 14, aarch64 => 135, i386 => 175, arm => 175);
        my $arch = linux_arch();
        if (defined $arch) {
            my $empty = "\0" x 8;    # the kernel's sigset_t: 64 bits, all clear
            my $SIG_SETMASK = 2;
            return if syscall($sys_rt_sigprocmask{$arch}, $SIG_SETMASK, $empty, 0, 8) == 0;
        }
    }
    require POSIX;
    POSIX::sigprocmask(POSIX::SIG_SETMASK(), POSIX::SigSet->new());
}

# prctl(PR_SET_CHILD_SUBREAPER, 1) through syscall(2): the numbers are fixed by each ABI, and `use
# POSIX` or a compiled module would cost more than the whole watchdog. 1 if it worked, else 0.
sub become_subreaper {
    return 0 unless $^O eq 'linux';
    my %sys_prctl = (x86_64 => 157, aarch64 => 167, i386 => 172, arm => 172);
    my $arch = linux_arch();
    return 0 unless defined $arch;
    my $PR_SET_CHILD_SUBREAPER = 36;
    return syscall($sys_prctl{$arch}, $PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 1 : 0;
}

# The key of the syscall tables above for ARCH (Java's os.arch: amd64, aarch64, x86, arm), or
# undef for any other, which makes both callers take their portable path.
sub linux_arch {
    return 'x86_64' if $arch_name eq 'amd64' || $arch_name eq 'x86_64';
    return 'aarch64' if $arch_name eq 'aarch64';
    return 'i386' if $arch_name =~ /^(x86|i[3-6]86)$/;
    return 'arm' if $arch_name eq 'arm';
    return undef;
}
