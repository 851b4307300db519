/*
 * sigbridge-exec - becomes the leader of a new process group, then execs its arguments.
 *
 * ProcessGroups.start puts it in front of the user's command so that the JDK's own
 * ProcessBuilder (with all its redirects, environment and directory handling) starts
 * the child, which keeps its pid across the exec. The parent also calls setpgid for
 * the child, so the group exists as soon as either of them got there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sigbridge-exec COMMAND [ARGS...]\n");
        return 127;
    }
    if (setpgid(0, 0) != 0 && errno != EPERM) {
        /* EPERM: the parent made us a group leader already (or we lead a session) */
        fprintf(stderr, "sigbridge-exec: setpgid: %s\n", strerror(errno));
        return 127;
    }
    execvp(argv[1], argv + 1);
    fprintf(stderr, "sigbridge-exec: cannot run %s: %s\n", argv[1], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
