// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl's configuration files (userspace/raftctl/conf.c): a good file
 * parses to what it says with the kernel's defaults filled in, prints in a
 * canonical form that parses back to the same, and every kind of bad
 * input is an error that names its line; a file with any error is refused
 * whole.  udev properties come from the file of the device's group.
 */
#include <stdlib.h>
#include <unistd.h>
#include "conf.h"
#include "rltest.h"

static const char good[] =
	"# orders\n"
	"[group]\n"
	"id = 1\n"
	"cluster-id = 0x7   ; hex\n"
	"secret-file = /etc/raftlog/orders#1.secret\n"
	"\n"
	"[node]\n"
	"  id=2\n"
	"device = /dev/vdb\n"
	"listen = 10.0.0.2:7000\n"
	"[peer 1]\n"
	"address = 10.0.0.1:7000\n"
	"[peer 3]\n"
	"address = [fd00::3]:7000\n"
	"[limits]\n"
	"max-entry = 128K\n"
	"[access]\n"
	"owner = raftlog\n"
	"group = 1000\n"
	"mode = 0\n";

/* Parse @text; the errors go to a buffer returned in @msg (static). */
static int parse(const char *text, struct rc_conf *c, const char **msg)
{
	static char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	int n;

	n = rc_conf_parse("t.conf", text, c, f);
	fputc(0, f);
	fclose(f);
	*msg = buf;
	return n;
}

RL_TEST(good_file)
{
	struct rc_conf c;
	const char *msg;

	RL_ASSERT_EQ(parse(good, &c, &msg), 0);
	RL_EXPECT_EQ(c.group_id, 1);
	RL_EXPECT_EQ(c.cluster_id, 7);
	/* '#' inside a word is not a comment */
	RL_EXPECT(!strcmp(c.secret_file, "/etc/raftlog/orders#1.secret"));
	RL_EXPECT_EQ(c.node_id, 2);
	RL_EXPECT(!strcmp(c.device, "/dev/vdb"));
	RL_EXPECT(!strcmp(c.listen, "10.0.0.2:7000"));
	RL_ASSERT_EQ(c.n_peers, 2);
	RL_EXPECT_EQ(c.peers[0].id, 1);
	RL_EXPECT_EQ(c.peers[1].id, 3);
	RL_EXPECT(!strcmp(c.peers[1].addr, "[fd00::3]:7000"));
	RL_EXPECT_EQ(c.max_entry, 131072);
	RL_EXPECT_EQ(c.max_pending, RC_DEF_MAX_PENDING);
	RL_EXPECT_EQ(c.tick_ms, RC_DEF_TICK_MS);
	RL_EXPECT_EQ(c.election_ticks, RC_DEF_ELECTION_TICKS);
	RL_EXPECT_EQ(c.heartbeat_ticks, RC_DEF_HEARTBEAT_TICKS);
	RL_EXPECT_EQ(c.cache_entries, RC_DEF_CACHE_ENTRIES);
	RL_EXPECT(!strcmp(c.owner, "raftlog"));
	RL_EXPECT(!strcmp(c.devgroup, "1000"));
	RL_EXPECT(c.mode != 0);			/* 0000 is set, not absent */
	RL_EXPECT_EQ(c.mode & 0777, 0);
	RL_EXPECT(!c.join);
}

/* print -> parse -> print is a fixed point and keeps every field */
RL_TEST(canonical_round_trip)
{
	struct rc_conf a, b;
	char *t1 = NULL, *t2 = NULL;
	size_t l1, l2;
	const char *msg;
	FILE *f;

	RL_ASSERT_EQ(parse(good, &a, &msg), 0);
	f = open_memstream(&t1, &l1);
	rc_conf_print(f, &a);
	fclose(f);
	RL_ASSERT_EQ(parse(t1, &b, &msg), 0);
	f = open_memstream(&t2, &l2);
	rc_conf_print(f, &b);
	fclose(f);
	RL_EXPECT(!strcmp(t1, t2));
	memset(a.line, 0, sizeof(a.line));
	memset(b.line, 0, sizeof(b.line));
	for (int i = 0; i < a.n_peers; i++)
		a.peers[i].line = b.peers[i].line = 0;
	RL_EXPECT(!memcmp(&a, &b, sizeof(a)));
	RL_EXPECT(strstr(t1, "mode = 0000\n") != NULL);
	RL_EXPECT(strstr(t1, "tick-ms = 50\n") != NULL);
	free(t1);
	free(t2);
}

/* one bad line each: the error names that line and says what is wrong */
static const struct {
	const char *text;	/* replaces line @line of good */
	int line;
	const char *want;
} bad_lines[] = {
	{ "id = 0", 3, "t.conf:3: id: \"0\" is not a number in 1..4294967295" },
	{ "id = 4294967296", 3, "t.conf:3: id: " },
	{ "id = -1", 3, "t.conf:3: id: " },
	{ "id = 1x", 3, "t.conf:3: id: " },
	{ "cluster-id = 99999999999999999999", 4, "t.conf:4: cluster-id: " },
	{ "secret-file = relative", 5, "t.conf:5: secret-file: \"relative\" is not an absolute path" },
	{ "colour = blue", 6, "t.conf:6: unknown key \"colour\" in [group]" },
	{ "[nodes]", 7, "t.conf:7: unknown section [nodes]" },
	{ "[node", 7, "t.conf:7: a section header is [NAME] alone on its line" },
	{ "id 2", 8, "t.conf:8: expected KEY = VALUE or [SECTION]" },
	{ "id =", 8, "t.conf:8: id has no value" },
	{ "= 2", 8, "t.conf:8: a value without a key" },
	{ "device = vdb", 9, "t.conf:9: device: \"vdb\" is not an absolute path" },
	{ "listen = 10.0.0.2", 10, "t.conf:10: listen: \"10.0.0.2\" is not IPV4:PORT" },
	{ "listen = 10.0.0.2:0", 10, "t.conf:10: listen: " },
	{ "listen = 10.0.0.2:65536", 10, "t.conf:10: listen: " },
	{ "listen = host.example:7000", 10, "t.conf:10: listen: " },
	{ "listen = [fd00::2:7000", 10, "t.conf:10: listen: " },
	{ "[peer]", 11, "t.conf:11: [peer N]: N is the peer's node id" },
	{ "[peer 0]", 11, "t.conf:11: [peer N]" },
	{ "[peer 3]", 11, "t.conf:13: [peer 3] again (first on line 11)" },
	{ "[peer 2]", 11, "t.conf:11: [peer 2] is this node ([node] id)" },
	{ "addr = 10.0.0.1:7000", 12, "t.conf:12: unknown key \"addr\" in [peer 1]" },
	{ "address = 10.0.0.2:7000", 12, "t.conf:11: [peer 1] has this node's listen address" },
	{ "[limits] x", 15, "t.conf:15: a section header is [NAME] alone" },
	{ "[limits x]", 15, "t.conf:15: [limits] takes no argument" },
	{ "max-entry = 2M", 16, "t.conf:16: max-entry: \"2M\" is not a number in 1..1048576" },
	{ "max-entry = 1Q", 16, "t.conf:16: max-entry: " },
	{ "max-pending = 0", 16, "t.conf:16: max-pending: " },
	{ "owner = -x", 18, "t.conf:18: owner: \"-x\" is not a user or group name" },
	{ "owner = a b", 18, "t.conf:18: owner: " },
	{ "mode = 0778", 20, "t.conf:20: mode: \"0778\" is not an octal mode" },
	{ "mode = 01000", 20, "t.conf:20: mode: " },
	{ "mode = rw", 20, "t.conf:20: mode: " },
};

static char *replace_line(const char *text, int line, const char *with)
{
	char *out = malloc(strlen(text) + strlen(with) + 2), *o = out;
	int n = 1;

	for (const char *p = text; *p; p++) {
		if (n == line) {
			o += sprintf(o, "%s\n", with);
			p = strchr(p, '\n');
			n++;
			continue;
		}
		*o++ = *p;
		if (*p == '\n')
			n++;
	}
	*o = 0;
	return out;
}

RL_TEST(bad_lines_named)
{
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		struct rc_conf c;
		const char *msg;
		char *t = replace_line(good, bad_lines[i].line, bad_lines[i].text);
		int n = parse(t, &c, &msg);

		if (n < 1 || !strstr(msg, bad_lines[i].want))
			RL_FAIL("\"%s\" on line %d: %d errors: %s (wanted %s)",
				bad_lines[i].text, bad_lines[i].line, n, msg,
				bad_lines[i].want);
		free(t);
	}
}

/* whole-file checks: what is missing or inconsistent */
static const struct {
	const char *text;
	const char *want;
} bad_files[] = {
	{ "", "t.conf: [group] needs id" },
	{ "[group]\nid = 1\n[node]\nid = 1\n", "t.conf: [node] needs device" },
	{ "[group]\nid = 1\n[node]\ndevice = /dev/x\n", "t.conf: [node] needs id" },
	{ "id = 1\n", "t.conf:1: id before any [section]" },
	{ "[group]\nid = 1\nid = 2\n[node]\nid = 1\ndevice = /dev/x\n",
	  "t.conf:3: id is set twice in [group] (first on line 2)" },
	{ "[group]\nid = 1\n[node]\nid = 1\ndevice = /dev/x\n[peer 2]\naddress = 1.2.3.4:5\n",
	  "t.conf: [node] needs listen: the group has peers" },
	{ "[group]\nid = 1\n[node]\nid = 1\ndevice = /dev/x\nlisten = 1.2.3.4:5\n[peer 2]\n",
	  "t.conf:7: [peer 2] needs an address" },
	{ "[group]\nid = 1\n[node]\nid = 1\ndevice = /dev/x\njoin = yes\n",
	  "join = yes needs a [peer N]" },
	{ "[group]\nid = 1\n[node]\nid = 1\ndevice = /dev/x\njoin = maybe\n",
	  "t.conf:6: join: \"maybe\" is not yes or no" },
	{ "[group]\nid = 1\nelection-ticks = 4\nheartbeat-ticks = 4\n[node]\nid = 1\ndevice = /dev/x\n",
	  "heartbeat-ticks (4) must be below election-ticks (4)" },
	{ "[group]\nid = 1\n[node]\nid = 1\ndevice = /dev/x\n[peer 2]\naddress = 1.2.3.4:5\naddress = 1.2.3.4:6\n",
	  "t.conf:8: address is set twice in [peer 2]" },
	{ "[tuning]\nentries = 5\n[group]\nid = 1\n[node]\nid = 1\ndevice = /dev/x\n",
	  "t.conf:1: unknown section [tuning]" },
	{ "[retention]\nentries = 5\n[group]\nid = 1\n[node]\nid = 1\ndevice = /dev/x\n",
	  "t.conf:2: unknown key \"entries\" in [retention] (known: keep, compact-at)" },
	{ "[retention]\ncompact-at = 5\n[group]\nid = 1\n[node]\nid = 1\ndevice = /dev/x\n",
	  "t.conf:2: compact-at: \"5\" is not a number in 10..100" },
};

RL_TEST(bad_files_named)
{
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct rc_conf c;
		const char *msg;
		int n = parse(bad_files[i].text, &c, &msg);

		if (n < 1 || !strstr(msg, bad_files[i].want))
			RL_FAIL("file %zu: %d errors: %s (wanted %s)", i, n, msg,
				bad_files[i].want);
	}
}

/* Every error is reported, not just the first: all lines named. */
RL_TEST(all_errors_reported)
{
	struct rc_conf c;
	const char *msg;
	char *t = replace_line(good, 3, "id = x");
	char *t2 = replace_line(t, 10, "listen = nowhere");
	char *t3 = replace_line(t2, 20, "mode = 9");

	RL_EXPECT_EQ(parse(t3, &c, &msg), 3);
	RL_EXPECT(strstr(msg, "t.conf:3: ") != NULL);
	RL_EXPECT(strstr(msg, "t.conf:10: ") != NULL);
	RL_EXPECT(strstr(msg, "t.conf:20: ") != NULL);
	free(t);
	free(t2);
	free(t3);
}

RL_TEST(too_many_peers_and_long_lines)
{
	char text[8192], *p = text, longline[RC_CONF_LINE_MAX + 16];
	struct rc_conf c;
	const char *msg;

	p += sprintf(p, "[group]\nid = 1\n[node]\nid = 1\ndevice = /dev/x\nlisten = 10.0.0.1:1\n");
	for (int i = 2; i <= 2 + RC_CONF_PEERS_MAX; i++)
		p += sprintf(p, "[peer %d]\naddress = 10.0.0.%d:1\n", i, i);
	RL_EXPECT_EQ(parse(text, &c, &msg), 1);
	RL_EXPECT(strstr(msg, "more than 15 peers") != NULL);

	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	memcpy(longline, "device = /", 10);
	snprintf(text, sizeof(text), "[group]\nid = 1\n[node]\nid = 1\n%s\n", longline);
	RL_EXPECT(parse(text, &c, &msg) >= 1);
	RL_EXPECT(strstr(msg, "t.conf:5: line longer than") != NULL);

	snprintf(text, sizeof(text), "[group]\nid = 1\n[node]\nid = 1\ndevice = /%0200d\n", 0);
	RL_EXPECT_EQ(parse(text, &c, &msg), 1);
	RL_EXPECT(strstr(msg, "t.conf:5: device: longer than 127") != NULL);
}

RL_TEST(names)
{
	RL_EXPECT(rc_conf_name_ok("orders"));
	RL_EXPECT(rc_conf_name_ok("a.b_c-1"));
	RL_EXPECT(!rc_conf_name_ok(""));
	RL_EXPECT(!rc_conf_name_ok(".hidden"));
	RL_EXPECT(!rc_conf_name_ok("-x"));
	RL_EXPECT(!rc_conf_name_ok("a/b"));
	RL_EXPECT(!rc_conf_name_ok("a b"));
	RL_EXPECT(!rc_conf_name_ok("123456789012345678901234567890123"));
}

/* load from a directory: by name; a missing file, a bad name, a NUL */
RL_TEST(load_and_find)
{
	char dir[] = "/tmp/rlconfXXXXXX", path[256];
	struct rc_conf c;
	FILE *f;
	char *out = NULL;
	size_t len;

	RL_ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/orders.conf", dir);
	f = fopen(path, "w");
	fputs(good, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/broken.conf", dir);
	f = fopen(path, "w");
	fputs("[group]\nid = 1\n", f);	/* same group, but does not parse */
	fclose(f);
	snprintf(path, sizeof(path), "%s/nul.conf", dir);
	f = fopen(path, "w");
	fwrite("[group]\0", 1, 8, f);
	fclose(f);

	RL_EXPECT_EQ(rc_conf_load(dir, "orders", &c, NULL), 0);
	RL_EXPECT(!strcmp(c.name, "orders"));
	RL_EXPECT(rc_conf_load(dir, "missing", &c, NULL) > 0);
	RL_EXPECT(rc_conf_load(dir, "../orders", &c, NULL) > 0);
	RL_EXPECT(rc_conf_load(dir, "nul", &c, NULL) > 0);
	RL_EXPECT(rc_conf_load(dir, "broken", &c, NULL) > 0);
	snprintf(path, sizeof(path), "%s/orders.conf", dir);
	RL_EXPECT_EQ(rc_conf_load("/nonexistent", path, &c, NULL), 0);
	RL_EXPECT(!strcmp(c.name, "orders"));

	RL_EXPECT_EQ(rc_conf_find(dir, 1, 0, &c), 0);
	RL_EXPECT(!strcmp(c.name, "orders"));
	RL_EXPECT_EQ(rc_conf_find(dir, 1, 2, &c), 0);
	RL_EXPECT_EQ(rc_conf_find(dir, 1, 3, &c), -1);
	RL_EXPECT_EQ(rc_conf_find(dir, 2, 0, &c), -1);

	/* udev: what 60-raftlog.rules imports */
	f = open_memstream(&out, &len);
	RL_EXPECT_EQ(rc_conf_udev(f, dir, "raftlog1"), 0);
	fclose(f);
	RL_EXPECT(!strcmp(out, "RAFTLOG_GROUP_ID=1\nRAFTLOG_NAME=orders\n"
			  "RAFTLOG_OWNER=raftlog\nRAFTLOG_DEVGROUP=1000\n"
			  "RAFTLOG_MODE=0000\n"));
	free(out);
	f = open_memstream(&out, &len);
	RL_EXPECT_EQ(rc_conf_udev(f, dir, "raftlog1.3"), 0);
	fclose(f);
	RL_EXPECT(!strcmp(out, "RAFTLOG_GROUP_ID=1\nRAFTLOG_NODE_ID=3\n"));
	free(out);
	f = open_memstream(&out, &len);
	RL_EXPECT_EQ(rc_conf_udev(f, dir, "raftlog"), -1);
	RL_EXPECT_EQ(rc_conf_udev(f, dir, "raftlog01"), -1);
	RL_EXPECT_EQ(rc_conf_udev(f, dir, "raftlog1.x"), -1);
	RL_EXPECT_EQ(rc_conf_udev(f, dir, "raftlog4294967296"), -1);
	RL_EXPECT_EQ(rc_conf_udev(f, dir, "ram0"), -1);
	fclose(f);
	RL_EXPECT_EQ(len, 0);
	free(out);

	snprintf(path, sizeof(path), "rm -rf %s", dir);
	RL_EXPECT_EQ(system(path), 0);
}

RL_SUITE(conf, RL_CASE(good_file), RL_CASE(canonical_round_trip),
	 RL_CASE(bad_lines_named), RL_CASE(bad_files_named),
	 RL_CASE(all_errors_reported), RL_CASE(too_many_peers_and_long_lines),
	 RL_CASE(names), RL_CASE(load_and_find));
