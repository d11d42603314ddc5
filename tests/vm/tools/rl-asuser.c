// SPDX-License-Identifier: GPL-2.0
/*
 * rl-asuser UID CMD [ARGS...]: run CMD as user and group UID with no
 * supplementary groups and no capabilities (busybox has no setpriv
 * --reuid).  For the permission checks of the guest scripts.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

int main(int argc, char **argv)
{
	uid_t uid;

	if (argc < 3) {
		fprintf(stderr, "usage: rl-asuser UID CMD [ARGS...]\n");
		return 2;
	}
	uid = strtoul(argv[1], NULL, 10);
	if (!uid || setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
		fprintf(stderr, "rl-asuser: cannot become %u: %s\n", uid,
			strerror(errno));
		return 2;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "rl-asuser: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
