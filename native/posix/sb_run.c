/*
 * sigbridge-run - the POSIX supervisor of `sigbridge run`.
 *
 * `java -jar sigbridge.jar run [OPTIONS] COMMAND...` parses the user's options (RunCommand.java),
 * extracts this binary and replaces the JVM with it (execve, same pid), so that from then on no
 * JVM stands between the signals and the child: HotSpot owns SEGV, BUS, FPE, ILL, QUIT and USR2
 * and could never pass them on. The JVM hands over what only it knew, as arguments (which the
 * child never sees), never as environment variables (which it would):
 *
 *   --remove-self PATH     this binary's extracted copy: unlinked (and its directory) at once
 *   --sigmask HEX          the signal mask `java` was started with (the launcher's first thread
 *                          keeps it; every JVM thread has another one), as in /proc's SigBlk
 *   --keep-fds N,N,...     the descriptors above 2 that `java` was started with (the JVM's own,
 *                          its modules image, the jar, /dev/random, are closed here)
 *   --grace-ms N  --rewrite FROM:TO  --remap-exit FROM:TO  --single-child  --verbose
 *   --pdeathsig N  --timeout-ms N  --dump N:MS  --delay N:MS  --  COMMAND [ARGS...]
 *
 * Signal numbers and milliseconds only: names and durations were read by the Java side, which
 * also accepts them on Windows. The environment and the arguments of COMMAND are the bytes
 * `java` was started with (the JVM passes /proc/self/environ and /proc/self/cmdline on).
 *
 * How it works: every signal is blocked for good and taken with sigtimedwait (kqueue on macOS),
 * so no handler code runs at all; each is forwarded to the child's process group (or to the
 * child alone with --single-child), CHLD reaps, TSTP/TTIN/TTOU are forwarded and then stop this
 * process too (the child of a shell's job), CONT resumes both. The child leaves with the
 * dispositions found here on entry (what `java` was started with ignored stays ignored;
 * everything else at its default) and the mask of --sigmask.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif
#if defined(__APPLE__) || defined(__FreeBSD__)
#include <sys/event.h>
#define SB_USE_KQUEUE 1
#endif

#define SB_MAX_SIGNAL (NSIG - 1)
#define SB_MAX_REMAPS 256
#define SB_EXIT_USAGE 2
#define SB_EXIT_TIMEOUT 124 /* GNU timeout's status, which CI scripts test for */
#define SB_LEFTOVER_REAP_MS 5000

enum { LEFTOVERS_UNCHECKED, LEFTOVERS_TERMINATED, LEFTOVERS_KILLED };

struct options {
    long long grace_ms;
    int rewrite[NSIG];          /* -1: as received; 0: dropped; n: sent as n */
    long long delay_ms[NSIG];   /* 0: forwarded at once */
    int remap_from[SB_MAX_REMAPS], remap_to[SB_MAX_REMAPS], remaps;
    int single_child, verbose, pdeathsig;
    long long timeout_ms;
    int dump_signal;
    long long dump_wait_ms;
    int have_mask;
    sigset_t child_mask;
    int have_keep_fds;
    const char *keep_fds;
    const char *remove_self;
    char **command;
};

static struct options opt;

/* What the loop keeps track of. Times are CLOCK_MONOTONIC milliseconds; -1 is "not armed". */
static struct {
    pid_t child, group;          /* group: the pgid signals go to (0 with --single-child) */
    int child_done, child_status;
    int tty_fd;                  /* our controlling terminal, or -1 */
    long long kill_at;           /* KILL after a forwarded TERM's grace */
    int kill_tree;               /* ... to the whole tree (after --timeout) */
    long long held_until[NSIG];  /* --delay: a held signal goes out then */
    long long timeout_at, term_at;
    int timed_out;
    long long killed_at;         /* when kill_now ran */
    int leftovers;               /* after the leader: LEFTOVERS_* */
    long long leftovers_until;
    sigset_t entry_ignored;      /* SIG_IGN on entry: stays SIG_IGN for the child */
} st;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    fprintf(stderr, "sigbridge run: %s\n", line);
}

#define VERBOSE(...) do { if (opt.verbose) say(__VA_ARGS__); } while (0)

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *signal_name(int sig)
{
    static char buf[32];
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    const char *abbrev = sigabbrev_np(sig);
    if (abbrev != NULL) {
        snprintf(buf, sizeof buf, "SIG%s", abbrev);
        return buf;
    }
#endif
#if defined(SIGRTMIN)
    if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
        snprintf(buf, sizeof buf, "SIGRTMIN+%d", sig - SIGRTMIN);
        return buf;
    }
#endif
    snprintf(buf, sizeof buf, "signal %d", sig);
    return buf;
}

/* ---------------------------------------------------------------- options */

static int parse_long(const char *s, long long min, long long max, long long *out)
{
    if (s == NULL || *s == '\0') {
        return -1;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

/* "A:B" into two numbers; B may be empty (then 0). */
static int parse_pair(const char *s, long long max_a, long long max_b, long long *a, long long *b)
{
    const char *colon = s == NULL ? NULL : strchr(s, ':');
    if (colon == NULL || colon == s) {
        return -1;
    }
    char first[32];
    size_t n = (size_t)(colon - s);
    if (n >= sizeof first) {
        return -1;
    }
    memcpy(first, s, n);
    first[n] = '\0';
    if (parse_long(first, 0, max_a, a) != 0) {
        return -1;
    }
    if (colon[1] == '\0') {
        *b = 0;
        return 0;
    }
    return parse_long(colon + 1, 0, max_b, b);
}

/* A signal this process may send: not 0, not one the C library keeps (glibc: 32 and 33). */
static int valid_target(long long sig)
{
    if (sig < 1 || sig > SB_MAX_SIGNAL) {
        return 0;
    }
#if defined(SIGRTMIN)
    if (sig > 31 && sig < SIGRTMIN) {
        return 0;
    }
#endif
    return 1;
}

/* One it can also receive: not KILL or STOP. */
static int valid_signal(long long sig)
{
    return valid_target(sig) && sig != SIGKILL && sig != SIGSTOP;
}

static int parse_sigmask(const char *hex, sigset_t *set)
{
    if (hex == NULL || *hex == '\0' || strlen(hex) > 16) {
        return -1;
    }
    char *end;
    errno = 0;
    unsigned long long bits = strtoull(hex, &end, 16);
    if (errno != 0 || *end != '\0') {
        return -1;
    }
    sigemptyset(set);
    for (int sig = 1; sig <= SB_MAX_SIGNAL && sig <= 64; sig++) {
        if ((bits >> (sig - 1)) & 1ULL) {
            sigaddset(set, sig); /* fails harmlessly for the C library's own */
        }
    }
    return 0;
}

static void usage_error(const char *what, const char *value)
{
    say("bad option %s%s%s (this program is started by `java -jar sigbridge.jar run`,"
        " see its --help)", what, value ? " " : "", value ? value : "");
}

static int parse_options(int argc, char **argv)
{
    opt.grace_ms = 10000;
    for (int s = 0; s < NSIG; s++) {
        opt.rewrite[s] = -1;
    }
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        long long x, y;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "--single-child") == 0) {
            opt.single_child = 1;
        } else if (strcmp(a, "--verbose") == 0) {
            opt.verbose = 1;
        } else if (v == NULL) {
            usage_error(a, "(no value)");
            return -1;
        } else if (strcmp(a, "--remove-self") == 0) {
            opt.remove_self = v;
            i++;
        } else if (strcmp(a, "--sigmask") == 0) {
            if (parse_sigmask(v, &opt.child_mask) != 0) {
                usage_error(a, v);
                return -1;
            }
            opt.have_mask = 1;
            i++;
        } else if (strcmp(a, "--keep-fds") == 0) {
            opt.have_keep_fds = 1;
            opt.keep_fds = v;
            i++;
        } else if (strcmp(a, "--grace-ms") == 0 && parse_long(v, 1, LLONG_MAX / 4, &x) == 0) {
            opt.grace_ms = x;
            i++;
        } else if (strcmp(a, "--timeout-ms") == 0 && parse_long(v, 1, LLONG_MAX / 4, &x) == 0) {
            opt.timeout_ms = x;
            i++;
        } else if (strcmp(a, "--pdeathsig") == 0 && parse_long(v, 1, SB_MAX_SIGNAL, &x) == 0
                   && valid_target(x)) {
            opt.pdeathsig = (int)x;
            i++;
        } else if (strcmp(a, "--rewrite") == 0 && parse_pair(v, SB_MAX_SIGNAL, SB_MAX_SIGNAL, &x, &y) == 0
                   && valid_signal(x) && (y == 0 || valid_target(y)) && x != SIGCHLD) {
            opt.rewrite[x] = (int)y;
            i++;
        } else if (strcmp(a, "--delay") == 0 && parse_pair(v, SB_MAX_SIGNAL, LLONG_MAX / 4, &x, &y) == 0
                   && valid_signal(x) && x != SIGCHLD && y > 0) {
            opt.delay_ms[x] = y;
            i++;
        } else if (strcmp(a, "--dump") == 0 && parse_pair(v, SB_MAX_SIGNAL, LLONG_MAX / 4, &x, &y) == 0
                   && valid_signal(x)) {
            opt.dump_signal = (int)x;
            opt.dump_wait_ms = y;
            i++;
        } else if (strcmp(a, "--remap-exit") == 0 && parse_pair(v, 255, 255, &x, &y) == 0
                   && opt.remaps < SB_MAX_REMAPS) {
            opt.remap_from[opt.remaps] = (int)x;
            opt.remap_to[opt.remaps] = (int)y;
            opt.remaps++;
            i++;
        } else {
            usage_error(a, v);
            return -1;
        }
    }
    if (i >= argc) {
        say("no command given");
        return -1;
    }
    opt.command = argv + i;
    return 0;
}

/* ------------------------------------------------------- start-up chores */

static void remove_extracted_copy(void)
{
    if (opt.remove_self == NULL) {
        return;
    }
    /* This process runs from the inode; the name only needs to go, with the private directory
     * the JVM made for it (the JVM's deleteOnExit never runs: it was replaced, not ended). */
    unlink(opt.remove_self);
    char dir[PATH_MAX];
    size_t n = strlen(opt.remove_self);
    if (n < sizeof dir) {
        memcpy(dir, opt.remove_self, n + 1);
        char *slash = strrchr(dir, '/');
        if (slash != NULL && slash != dir) {
            *slash = '\0';
            rmdir(dir);
        }
    }
}

static int kept(int fd)
{
    if (!opt.have_keep_fds) {
        return 1;
    }
    const char *p = opt.keep_fds;
    while (*p != '\0') {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p) {
            return 0;
        }
        if (v == fd) {
            return 1;
        }
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

/* Closes every descriptor above 2 the JVM had open for itself (no O_CLOEXEC on its modules
 * image, the jar, /dev/random, NIO's socket); those `java` was given are passed on. */
static void close_jvm_descriptors(void)
{
    if (!opt.have_keep_fds) {
        return;
    }
    int fds[1024];
    int count = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL) {
        d = opendir("/dev/fd");
    }
    if (d != NULL) {
        int self = dirfd(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL && count < (int)(sizeof fds / sizeof fds[0])) {
            char *end;
            long fd = strtol(e->d_name, &end, 10);
            if (end != e->d_name && *end == '\0' && fd > 2 && fd != self && fd <= INT_MAX) {
                fds[count++] = (int)fd;
            }
        }
        closedir(d);
    } else {
        long max = sysconf(_SC_OPEN_MAX);
        for (long fd = 3; fd < max && fd < 1024; fd++) {
            fds[count++] = (int)fd;
        }
    }
    for (int k = 0; k < count; k++) {
        if (!kept(fds[k])) {
            close(fds[k]);
        }
    }
}

static void noop_handler(int sig)
{
    (void)sig;
}

/* Blocks every signal for good and gives each a handler that never runs: a blocked signal with
 * SIG_IGN may be dropped when it is sent (macOS), and one at SIG_DFL whose default is to ignore
 * (CHLD, WINCH, URG, CONT) must still be seen. Records what was ignored on entry first. */
static void take_every_signal(void)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    sigemptyset(&st.entry_ignored);
    struct sigaction handler;
    memset(&handler, 0, sizeof handler);
    handler.sa_handler = noop_handler;
    sigfillset(&handler.sa_mask);
    for (int sig = 1; sig <= SB_MAX_SIGNAL; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) {
            continue;
        }
        struct sigaction old;
        if (sigaction(sig, NULL, &old) != 0) {
            continue; /* the C library's own */
        }
        if (old.sa_handler == SIG_IGN) {
            sigaddset(&st.entry_ignored, sig);
        }
        sigaction(sig, &handler, NULL);
    }
}

/* ------------------------------------------------------------- the child */

static void child_report(const char *what, int err)
{
    /* after fork, in the child only: stdio is ours alone, nothing else runs */
    fprintf(stderr, "sigbridge run: %s: %s\n", what, strerror(err));
}

static void become_child(pid_t supervisor, int hand_terminal)
{
    if (!opt.single_child) {
        setpgid(0, 0);
        if (hand_terminal && tcsetpgrp(st.tty_fd, getpid()) != 0 && opt.verbose) {
            child_report("cannot take the terminal", errno); /* TTOU is blocked: no stop */
        }
    }
#if defined(__linux__)
    if (opt.pdeathsig != 0) {
        prctl(PR_SET_PDEATHSIG, opt.pdeathsig, 0, 0, 0);
    }
#endif
    /* The dispositions `run` was started with: SIG_IGN where it was, SIG_DFL everywhere else
     * (our never-running handlers must not survive as anything). */
    struct sigaction dfl, ign;
    memset(&dfl, 0, sizeof dfl);
    memset(&ign, 0, sizeof ign);
    dfl.sa_handler = SIG_DFL;
    ign.sa_handler = SIG_IGN;
    sigemptyset(&dfl.sa_mask);
    sigemptyset(&ign.sa_mask);
    for (int sig = 1; sig <= SB_MAX_SIGNAL; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            sigaction(sig, sigismember(&st.entry_ignored, sig) == 1 ? &ign : &dfl, NULL);
        }
    }
    sigset_t mask;
    if (opt.have_mask) {
        mask = opt.child_mask;
    } else {
        sigemptyset(&mask);
    }
    sigprocmask(SIG_SETMASK, &mask, NULL);
#if defined(__linux__)
    if (opt.pdeathsig != 0 && getppid() != supervisor) {
        raise(opt.pdeathsig); /* the supervisor died before prctl took effect */
    }
#else
    (void)supervisor;
#endif
    execvp(opt.command[0], opt.command);
    int err = errno;
    child_report(opt.command[0], err);
    _exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

/* ------------------------------------------------------------ signalling */

/* Where forwarded signals go: the child's group, or the child with --single-child. */
static int send_to_child(int sig, const siginfo_t *info)
{
    if (opt.single_child) {
        if (st.child_done) {
            return 0;
        }
#if defined(SIGRTMIN) && !defined(SB_USE_KQUEUE)
        if (info != NULL && info->si_code == SI_QUEUE && sig >= SIGRTMIN) {
            return sigqueue(st.child, sig, info->si_value); /* keep the value it carried */
        }
#else
        (void)info;
#endif
        return kill(st.child, sig);
    }
    return kill(-st.group, sig);
}

static int group_alive(void)
{
    return !opt.single_child && kill(-st.group, 0) == 0;
}

#if defined(__linux__)
/* Every process as (pid, parent, state letter, group) from /proc; *count of them, or NULL. */
#define SB_ROW 4
static pid_t *read_process_table(size_t *count)
{
    DIR *d = opendir("/proc");
    if (d == NULL) {
        return NULL;
    }
    size_t cap = 512, n = 0;
    pid_t *table = malloc(cap * SB_ROW * sizeof *table);
    struct dirent *e;
    while (table != NULL && (e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (end == e->d_name || *end != '\0') {
            continue;
        }
        char path[64], stat[512];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        ssize_t len = read(fd, stat, sizeof stat - 1);
        close(fd);
        if (len <= 0) {
            continue;
        }
        stat[len] = '\0';
        char *after_name = strrchr(stat, ')'); /* the name may hold spaces and parentheses */
        char state;
        long ppid, pgrp;
        if (after_name == NULL || sscanf(after_name + 1, " %c %ld %ld", &state, &ppid, &pgrp) != 3) {
            continue;
        }
        if (n == cap) {
            pid_t *bigger = realloc(table, cap * 2 * SB_ROW * sizeof *table);
            if (bigger == NULL) {
                break; /* work with what we have */
            }
            table = bigger;
            cap *= 2;
        }
        table[SB_ROW * n] = (pid_t)pid;
        table[SB_ROW * n + 1] = (pid_t)ppid;
        table[SB_ROW * n + 2] = (pid_t)state;
        table[SB_ROW * n + 3] = (pid_t)pgrp;
        n++;
    }
    closedir(d);
    *count = n;
    return table;
}
#endif

/* Sends sig (0: none) to every descendant of this process (Linux, from /proc: also those that
 * left the child's group); returns how many of them are not zombies. Elsewhere: 0. */
static size_t signal_descendants(int sig)
{
    size_t living = 0;
#if defined(__linux__)
    size_t n = 0;
    pid_t *table = read_process_table(&n);
    size_t *tree = table == NULL ? NULL : malloc((n + 1) * sizeof *tree);
    if (tree != NULL) {
        /* breadth first over indexes into table; the root, this process, is not in it */
        size_t members = 0;
        pid_t self = getpid();
        for (size_t k = 0; k < n; k++) {
            if (table[SB_ROW * k + 1] == self) {
                tree[members++] = k;
            }
        }
        for (size_t done = 0; done < members; done++) {
            pid_t parent = table[SB_ROW * tree[done]];
            for (size_t k = 0; k < n; k++) {
                if (table[SB_ROW * k + 1] == parent && table[SB_ROW * k] != parent) {
                    tree[members++] = k;
                }
            }
        }
        for (size_t m = 0; m < members; m++) {
            pid_t pid = table[SB_ROW * tree[m]];
            if (table[SB_ROW * tree[m] + 2] != 'Z') {
                living++;
            }
            if (sig != 0 && kill(pid, sig) == 0) {
                VERBOSE("sent %s to %ld", signal_name(sig), (long)pid);
            }
        }
    }
    free(tree);
    free(table);
#else
    (void)sig;
#endif
    return living;
}

/* CONT to the members of the child's group that are stopped (a stopped process never acts on
 * TERM); those running are not disturbed by a CONT they may catch. Elsewhere: to the group. */
static void continue_stopped_members(void)
{
#if defined(__linux__)
    size_t n = 0;
    pid_t *table = read_process_table(&n);
    if (table != NULL) {
        for (size_t k = 0; k < n; k++) {
            if (table[SB_ROW * k + 3] == st.group && table[SB_ROW * k + 2] == 'T') {
                kill(table[SB_ROW * k], SIGCONT);
            }
        }
        free(table);
        return;
    }
#endif
    kill(-st.group, SIGCONT);
}

/* The signal to the whole tree, and to the child's group as forwarding does. */
static void signal_tree(int sig)
{
    signal_descendants(sig);
    send_to_child(sig, NULL);
}

static void take_terminal_back(void)
{
    if (st.tty_fd >= 0 && !opt.single_child && tcgetpgrp(st.tty_fd) == st.group) {
        /* TTOU is blocked: allowed from the background */
        if (tcsetpgrp(st.tty_fd, getpgrp()) == 0) {
            VERBOSE("terminal foreground: group %ld (run's)", (long)getpgrp());
        }
    }
}

static void hand_terminal_over(void)
{
    if (st.tty_fd >= 0 && !opt.single_child && !st.child_done && tcgetpgrp(st.tty_fd) == getpgrp()) {
        if (tcsetpgrp(st.tty_fd, st.group) == 0) {
            VERBOSE("terminal foreground: group %ld (the child's)", (long)st.group);
        } else {
            VERBOSE("cannot give the terminal to group %ld: %s", (long)st.group, strerror(errno));
        }
    }
}

/* As a shell's job would: give the terminal back, stop; CONT (pending then) resumes us. */
static void stop_self(void)
{
    take_terminal_back();
    VERBOSE("stopping, as the child did (CONT resumes both)");
    kill(getpid(), SIGSTOP);
}

static int is_suspend_signal(int sig)
{
    return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void forward(int received, const siginfo_t *info)
{
    int sig = opt.rewrite[received] < 0 ? received : opt.rewrite[received];
    if (sig == 0) {
        VERBOSE("received %s: dropped (--rewrite)", signal_name(received));
        return;
    }
    if (sig != received) {
        info = NULL; /* a queued value belongs to the signal it came with */
    }
    if (send_to_child(sig, info) == 0) {
        if (sig == received) {
            VERBOSE("forwarded %s to %s %ld", signal_name(sig), opt.single_child ? "child" : "group",
                    (long)(opt.single_child ? st.child : st.group));
        } else {
            char from[32];
            snprintf(from, sizeof from, "%s", signal_name(received));
            VERBOSE("received %s: sent %s to %s %ld", from, signal_name(sig),
                    opt.single_child ? "child" : "group", (long)(opt.single_child ? st.child : st.group));
        }
    }
    if (received == SIGTERM && st.kill_at < 0 && !st.child_done) {
        st.kill_at = now_ms() + opt.grace_ms;
    }
    if (is_suspend_signal(received)) {
        stop_self();
    }
}

static void on_signal(int sig, const siginfo_t *info)
{
#if !defined(SB_USE_KQUEUE)
    if (sig == SIGPIPE && info->si_code == SI_USER && info->si_pid == getpid()) {
        return; /* our own write to a closed stderr, not one for the child */
    }
#endif
    if (sig == SIGCONT) {
        hand_terminal_over();
    }
    if (opt.delay_ms[sig] > 0) {
        if (st.held_until[sig] < 0) {
            st.held_until[sig] = now_ms() + opt.delay_ms[sig];
            VERBOSE("received %s: held for %lld ms (--delay)", signal_name(sig), opt.delay_ms[sig]);
            return;
        }
        st.held_until[sig] = -1; /* a second one while held: the sender insists, now */
    }
    forward(sig, info);
}

/* ---------------------------------------------------------------- reaping */

static int exit_code_of(int status)
{
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return 1;
}

static void child_stopped(void)
{
    /* A child stopped from the terminal (Ctrl-Z, or TTIN/TTOU in the background): only a
     * terminal makes this a job the user can resume, and a CONT already pending resumes it. */
    sigset_t pending;
    if (st.tty_fd < 0 || opt.single_child || sigpending(&pending) != 0
            || sigismember(&pending, SIGCONT) == 1) {
        return;
    }
    stop_self();
}

static void reap(void)
{
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG | WUNTRACED);
        if (pid <= 0) {
            return;
        }
        if (pid == st.child && !st.child_done) {
            if (WIFSTOPPED(status)) {
                VERBOSE("child %ld stopped by %s", (long)pid, signal_name(WSTOPSIG(status)));
                child_stopped();
                continue;
            }
            st.child_done = 1;
            st.child_status = status;
            VERBOSE("child %ld ended: exit status %d", (long)pid, exit_code_of(status));
            take_terminal_back();
            /* What was pending for the child is moot; its group's rest is leftovers_done's. A
             * timeout that fired goes on to its end: the dump may have ended the child alone. */
            if (!st.timed_out) {
                st.kill_at = st.timeout_at = st.term_at = -1;
            }
            for (int sig = 0; sig < NSIG; sig++) {
                st.held_until[sig] = -1;
            }
        } else if (!WIFSTOPPED(status)) {
            VERBOSE("reaped orphan %ld (exit status %d)", (long)pid, exit_code_of(status));
        }
    }
}

/* ------------------------------------------------------------- the loop */

/* Returns the signal taken, 0 on timeout. */
#if defined(SB_USE_KQUEUE)
static int kq = -1;

static void watch_signals(void)
{
    kq = kqueue();
    for (int sig = 1; sig <= SB_MAX_SIGNAL; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            struct kevent ev;
            EV_SET(&ev, sig, EVFILT_SIGNAL, EV_ADD, 0, 0, NULL);
            kevent(kq, &ev, 1, NULL, 0, NULL);
        }
    }
}

static int take_signal(long long timeout_ms, siginfo_t *info)
{
    memset(info, 0, sizeof *info);
    /* A blocked signal stays pending: kqueue says one was sent, sigwait takes it. */
    sigset_t pending;
    for (;;) {
        if (sigpending(&pending) == 0) {
            for (int sig = 1; sig <= SB_MAX_SIGNAL; sig++) {
                if (sig != SIGKILL && sig != SIGSTOP && sigismember(&pending, sig) == 1) {
                    sigset_t one;
                    sigemptyset(&one);
                    sigaddset(&one, sig);
                    int got;
                    if (sigwait(&one, &got) == 0) {
                        info->si_signo = got;
                        return got;
                    }
                }
            }
        }
        struct kevent ev;
        struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000};
        int n = kevent(kq, NULL, 0, &ev, 1, timeout_ms < 0 ? NULL : &ts);
        if (n == 0) {
            return 0;
        }
        if (n < 0 && errno != EINTR) {
            return 0;
        }
        timeout_ms = 0; /* the signal is pending now: take it, then come back */
    }
}
#else
static void watch_signals(void)
{
}

static int take_signal(long long timeout_ms, siginfo_t *info)
{
    sigset_t all;
    sigfillset(&all);
    memset(info, 0, sizeof *info);
    int sig;
    if (timeout_ms < 0) {
        sig = sigwaitinfo(&all, info);
    } else {
        struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000};
        sig = sigtimedwait(&all, info, &ts);
    }
    return sig > 0 ? sig : 0;
}
#endif

static long long earliest(long long a, long long b)
{
    if (a < 0) {
        return b;
    }
    return b < 0 || a < b ? a : b;
}

static long long next_deadline(void)
{
    long long next = -1;
    next = earliest(next, st.kill_at);
    next = earliest(next, st.timeout_at);
    next = earliest(next, st.term_at);
    for (int sig = 1; sig <= SB_MAX_SIGNAL; sig++) {
        next = earliest(next, st.held_until[sig]);
    }
    if (st.child_done) {
        next = earliest(next, now_ms() + 10); /* poll the group's emptiness */
    }
    return next;
}

static void kill_now(void)
{
    st.kill_at = -1;
    st.killed_at = now_ms();
    VERBOSE("grace of %lld ms over: KILL", opt.grace_ms);
    if (st.kill_tree) {
        signal_tree(SIGKILL);
    } else {
        send_to_child(SIGKILL, NULL);
    }
}

static void timeout_term(void)
{
    st.term_at = -1;
    signal_tree(SIGTERM);
    st.kill_tree = 1;
    if (st.kill_at < 0) {
        st.kill_at = now_ms() + opt.grace_ms;
    }
}

static void run_deadlines(void)
{
    long long now = now_ms();
    for (int sig = 1; sig <= SB_MAX_SIGNAL; sig++) {
        if (st.held_until[sig] >= 0 && now >= st.held_until[sig]) {
            st.held_until[sig] = -1;
            forward(sig, NULL);
        }
    }
    if (st.timeout_at >= 0 && now >= st.timeout_at) {
        st.timeout_at = -1;
        st.timed_out = 1;
        if (opt.dump_signal != 0) {
            say("timed out after %lld ms: %s to every process of the tree, TERM %lld ms later",
                opt.timeout_ms, signal_name(opt.dump_signal), opt.dump_wait_ms);
            signal_tree(opt.dump_signal);
            st.term_at = now + opt.dump_wait_ms;
        } else {
            say("timed out after %lld ms: TERM to every process of the tree", opt.timeout_ms);
            timeout_term();
        }
    }
    if (st.term_at >= 0 && now >= st.term_at) {
        timeout_term();
    }
    if (st.kill_at >= 0 && now >= st.kill_at) {
        kill_now();
    }
}

/* After the leader: the rest of its group gets TERM, the grace, then KILL. True when done. */
static int leftovers_done(void)
{
    if (st.timed_out) {
        /* the timeout's own sequence (dump, TERM, KILL) runs on for what is left of the tree */
        if (!group_alive() && signal_descendants(0) == 0) {
            return 1;
        }
        return st.killed_at >= 0 && now_ms() >= st.killed_at + SB_LEFTOVER_REAP_MS;
    }
    if (!group_alive()) {
        return 1;
    }
    long long now = now_ms();
    switch (st.leftovers) {
        case LEFTOVERS_UNCHECKED:
            VERBOSE("the group outlived its leader: TERM to group %ld", (long)st.group);
            kill(-st.group, SIGTERM);
            continue_stopped_members();
            st.leftovers = LEFTOVERS_TERMINATED;
            st.leftovers_until = now + opt.grace_ms;
            return 0;
        case LEFTOVERS_TERMINATED:
            if (now >= st.leftovers_until) {
                VERBOSE("group %ld still there after the grace: KILL", (long)st.group);
                kill(-st.group, SIGKILL);
                st.leftovers = LEFTOVERS_KILLED;
                st.leftovers_until = now + SB_LEFTOVER_REAP_MS; /* gone at once; reap them */
            }
            return 0;
        default:
            return now >= st.leftovers_until;
    }
}

static int final_status(void)
{
    int code = st.timed_out ? SB_EXIT_TIMEOUT : exit_code_of(st.child_status);
    for (int k = 0; k < opt.remaps; k++) {
        if (opt.remap_from[k] == code) {
            return opt.remap_to[k];
        }
    }
    return code;
}

int main(int argc, char **argv)
{
    pid_t parent_at_start = getppid();
    int parsed = parse_options(argc, argv);
    remove_extracted_copy();
    if (parsed != 0) {
        return SB_EXIT_USAGE;
    }
    take_every_signal();
    close_jvm_descriptors();
    watch_signals();
    st.tty_fd = -1;
    st.kill_at = st.timeout_at = st.term_at = st.leftovers_until = st.killed_at = -1;
    st.leftovers = LEFTOVERS_UNCHECKED;
    for (int sig = 0; sig < NSIG; sig++) {
        st.held_until[sig] = -1;
    }

#if defined(__linux__)
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0 && getpid() != 1) {
        say("cannot become a child subreaper (%s): orphans of the command will not be reaped here",
            strerror(errno));
    }
    if (opt.pdeathsig != 0) {
        prctl(PR_SET_PDEATHSIG, opt.pdeathsig, 0, 0, 0);
        if (getppid() != parent_at_start) {
            raise(opt.pdeathsig); /* our parent is gone already: pending, forwarded below */
        }
    }
#else
    (void)parent_at_start;
    if (opt.pdeathsig != 0) {
        say("--pdeathsig needs Linux");
        return SB_EXIT_USAGE;
    }
#endif

    int hand_terminal = 0;
    if (!opt.single_child) {
        st.tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        hand_terminal = st.tty_fd >= 0 && tcgetpgrp(st.tty_fd) == getpgrp();
    }

    fflush(stderr);
    pid_t supervisor = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        say("fork: %s", strerror(errno));
        return 126;
    }
    if (pid == 0) {
        become_child(supervisor, hand_terminal);
    }
    st.child = pid;
    st.group = opt.single_child ? 0 : pid;
    if (!opt.single_child) {
        setpgid(pid, pid); /* the child does it too: whoever is first, the group exists now */
    }
    VERBOSE("child %ld started%s%s", (long)pid, opt.single_child ? "" : " as leader of a new group",
            hand_terminal ? ", in the terminal's foreground" : "");
    if (chdir("/") != 0) {
        VERBOSE("chdir /: %s", strerror(errno)); /* only to not hold the directory busy */
    }
    if (opt.timeout_ms > 0) {
        st.timeout_at = now_ms() + opt.timeout_ms;
    }

    for (;;) {
        if (st.child_done && leftovers_done()) {
            break;
        }
        long long deadline = next_deadline();
        long long wait = deadline < 0 ? -1 : deadline - now_ms();
        siginfo_t info;
        int sig = take_signal(wait < 0 && deadline >= 0 ? 0 : wait, &info);
        if (sig == SIGCHLD) {
            reap();
        } else if (sig > 0) {
            on_signal(sig, &info);
        }
        reap(); /* also when CHLD merged with one already taken, or a stop woke us */
        if (!st.child_done || st.timed_out) {
            run_deadlines();
        }
    }
    reap();
    take_terminal_back();
    int code = final_status();
    VERBOSE("exit status %d", code);
    return code;
}
