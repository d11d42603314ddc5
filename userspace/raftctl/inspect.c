// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl inspect DEV [-j]
 *
 * Offline check of a raftlog device with the kernel's own codec and
 * recovery rules (kernel/disk.c): superblock, both metadata slots, both
 * snapshot areas (header and body checksum), and the log records from the
 * durable head to where recovery would stop.  Every failing check is
 * printed with "FAIL"; the exit status is 0 when all checks pass, 1 when
 * any failed, 2 on usage or I/O errors.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk.h"
#include "raftctl.h"

struct insp {
	int fd;
	uint64_t size;
	struct rc_json j;
	int problems;
	struct rl_sb sb;
	u8 *buf;		/* one maximal record */
};

static bool all_zero(const u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void uuid_str(const u8 *u, char *s)
{
	for (int i = 0, k = 0; i < 16; i++) {
		k += sprintf(s + k, "%02x", u[i]);
		if (i == 3 || i == 5 || i == 7 || i == 9)
			s[k++] = '-';
	}
}

/* text or JSON field */
static void f_u64(struct insp *in, const char *key, uint64_t v)
{
	if (in->j.on)
		j_u64(&in->j, key, v);
	else
		printf("  %-14s %llu\n", key, (unsigned long long)v);
}

static void f_str(struct insp *in, const char *key, const char *v)
{
	if (in->j.on)
		j_str(&in->j, key, v);
	else
		printf("  %-14s %s\n", key, v);
}

/* "status": "ok", "empty" or the failure; counts failures */
static void f_status(struct insp *in, int err, bool empty)
{
	const char *s = empty ? "empty" : err ? rl_disk_strerror(err) : "ok";

	if (err && !empty)
		in->problems++;
	if (in->j.on) {
		j_str(&in->j, "status", s);
		j_bool(&in->j, "valid", !err);
	} else {
		printf("  %-14s %s%s\n", "status", err && !empty ? "FAIL: " : "", s);
	}
}

static void section(struct insp *in, const char *title)
{
	if (!in->j.on)
		printf("%s\n", title);
}

static int read_blocks(struct insp *in, void *buf, uint64_t block, uint64_t n)
{
	int err = rc_pread(in->fd, buf, n * RAFTLOG_BLOCK_SIZE,
			   block * RAFTLOG_BLOCK_SIZE);

	if (err)
		rc_err("read at block %llu: %s", (unsigned long long)block,
		       strerror(-err));
	return err;
}

static int do_superblock(struct insp *in)
{
	char u[40];
	int err;

	if (read_blocks(in, in->buf, RAFTLOG_SB_BLOCK, 1))
		return -1;
	err = rl_sb_decode(in->buf, RAFTLOG_BLOCK_SIZE, &in->sb);
	if (in->j.on)
		j_begin(&in->j, "superblock", '{');
	section(in, "superblock");
	f_status(in, err, false);
	if (err)
		goto out;
	uuid_str(in->sb.uuid, u);
	f_str(in, "uuid", u);
	f_u64(in, "version", in->sb.version);
	f_u64(in, "cluster_id", in->sb.cluster_id);
	f_u64(in, "group_id", in->sb.group_id);
	f_u64(in, "node_id", in->sb.node_id);
	f_u64(in, "dev_blocks", in->sb.dev_blocks);
	f_u64(in, "snap_off0", in->sb.snap_off[0]);
	f_u64(in, "snap_off1", in->sb.snap_off[1]);
	f_u64(in, "snap_blocks", in->sb.snap_blocks);
	f_u64(in, "ring_off", in->sb.ring_off);
	f_u64(in, "ring_blocks", in->sb.ring_blocks);
	f_u64(in, "format_time", in->sb.format_time);
	if (in->sb.dev_blocks > in->size / RAFTLOG_BLOCK_SIZE) {
		f_str(in, "size_check", "FAIL: device smaller than formatted");
		in->problems++;
		err = RL_DISK_EFIELD;
	}
out:
	if (in->j.on)
		j_end(&in->j, '}');
	return err ? -1 : 0;
}

static void print_meta(struct insp *in, const struct rl_meta *m)
{
	f_u64(in, "seq", m->seq);
	f_u64(in, "term", m->term);
	f_u64(in, "vote", m->vote);
	f_u64(in, "commit", m->commit);
	f_u64(in, "first_index", m->first_index);
	f_u64(in, "head_off", m->head_off);
	f_u64(in, "head_seq", m->head_seq);
	f_u64(in, "epoch", m->epoch);
	f_u64(in, "trunc_index", m->trunc_index);
	if (m->snap_slot == RAFTLOG_SNAP_NONE) {
		f_str(in, "snap_slot", "none");
	} else {
		f_u64(in, "snap_slot", m->snap_slot);
		f_u64(in, "snap_index", m->snap_index);
		f_u64(in, "snap_term", m->snap_term);
	}
}

static int do_meta(struct insp *in, struct rl_meta *cur)
{
	struct rl_meta m[2];
	int err[2], pick;
	char title[32];

	if (in->j.on)
		j_begin(&in->j, "meta", '[');
	for (unsigned int slot = 0; slot < 2; slot++) {
		bool empty;

		if (read_blocks(in, in->buf, RAFTLOG_META_BLOCK + slot, 1))
			return -1;
		empty = all_zero(in->buf, RAFTLOG_BLOCK_SIZE);
		err[slot] = rl_meta_decode(in->buf, RAFTLOG_BLOCK_SIZE, &in->sb,
					   slot, &m[slot]);
		if (in->j.on) {
			j_begin(&in->j, NULL, '{');
			j_u64(&in->j, "slot", slot);
		}
		snprintf(title, sizeof(title), "meta slot %u", slot);
		section(in, title);
		f_status(in, err[slot], empty);
		if (!err[slot])
			print_meta(in, &m[slot]);
		if (in->j.on)
			j_end(&in->j, '}');
	}
	if (in->j.on)
		j_end(&in->j, ']');
	pick = rl_meta_pick(err[0], &m[0], err[1], &m[1]);
	if (in->j.on) {
		j_u64(&in->j, "current_meta", pick < 0 ? 2 : pick);
	} else if (pick >= 0) {
		printf("current meta: slot %d (seq %llu)\n", pick,
		       (unsigned long long)m[pick].seq);
	}
	if (pick < 0) {
		if (!in->j.on)
			printf("current meta: FAIL: no valid metadata slot\n");
		in->problems++;
		return -1;
	}
	*cur = m[pick];
	return 0;
}

/* check one snapshot area; returns the header check result */
static int check_snap(struct insp *in, unsigned int slot, struct rl_snap *s,
		      bool *empty)
{
	uint64_t base = in->sb.snap_off[slot], left;
	uint64_t blk = 0;
	u32 crc = 0;
	int err;

	if (read_blocks(in, in->buf, base, 1))
		return -1;
	*empty = all_zero(in->buf, RAFTLOG_DISK_SNAP_SIZE);
	err = rl_snap_decode_hdr(in->buf, RAFTLOG_BLOCK_SIZE, &in->sb, s);
	if (err)
		return err;
	/* body: conf + data, starting right after the header */
	left = s->conf_len + s->data_len;
	{
		size_t n = RAFTLOG_BLOCK_SIZE - RAFTLOG_DISK_SNAP_SIZE;

		if (n > left)
			n = left;
		crc = rl_crc32c(0, in->buf + RAFTLOG_DISK_SNAP_SIZE, n);
		left -= n;
	}
	while (left) {
		size_t n = left > RAFTLOG_BLOCK_SIZE ? RAFTLOG_BLOCK_SIZE : left;

		blk++;
		if (read_blocks(in, in->buf, base + blk, 1))
			return -1;
		crc = rl_crc32c(crc, in->buf, n);
		left -= n;
	}
	return crc == s->body_crc ? RL_DISK_OK : RL_DISK_EBODY;
}

static int do_snapshots(struct insp *in, const struct rl_meta *m)
{
	char title[40];

	if (in->j.on)
		j_begin(&in->j, "snapshots", '[');
	for (unsigned int slot = 0; slot < 2; slot++) {
		struct rl_snap s;
		bool empty = false, current = m->snap_slot == slot;
		int err = check_snap(in, slot, &s, &empty);

		if (err < 0)
			return -1;
		if (in->j.on) {
			j_begin(&in->j, NULL, '{');
			j_u64(&in->j, "slot", slot);
			j_bool(&in->j, "current", current);
		}
		snprintf(title, sizeof(title), "snapshot area %u%s", slot,
			 current ? " (current)" : "");
		section(in, title);
		/* an unused area may be empty; the current one must be valid */
		f_status(in, err, empty && !current);
		if (err == RL_DISK_OK || err == RL_DISK_EBODY) {
			f_u64(in, "index", s.index);
			f_u64(in, "term", s.term);
			f_u64(in, "conf_len", s.conf_len);
			f_u64(in, "data_len", s.data_len);
		}
		if (current && !err && (s.index != m->snap_index || s.term != m->snap_term)) {
			f_str(in, "meta_check", "FAIL: does not match the metadata");
			in->problems++;
		}
		if (in->j.on)
			j_end(&in->j, '}');
	}
	if (in->j.on)
		j_end(&in->j, ']');
	return 0;
}

/*
 * Read and fully check the record at ring block @off.  Returns the codec
 * result; @present says whether anything record-like is there at all
 * (our magic and uuid), as opposed to never-written or foreign blocks.
 */
static int read_rec(struct insp *in, uint64_t off, struct rl_rec *r, bool *present)
{
	int err;

	*present = false;
	if (read_blocks(in, in->buf, in->sb.ring_off + off, 1))
		return -1;
	err = rl_rec_decode_hdr(in->buf, RAFTLOG_BLOCK_SIZE, in->sb.uuid, r);
	*present = err != RL_DISK_EMAGIC && err != RL_DISK_EUUID;
	if (err)
		return err;
	if (off + r->blocks > in->sb.ring_blocks)
		return RL_DISK_EFIELD;
	if (r->blocks > 1 &&
	    read_blocks(in, in->buf + RAFTLOG_BLOCK_SIZE,
			in->sb.ring_off + off + 1, r->blocks - 1))
		return -1;
	return rl_rec_check_body(in->buf, (size_t)r->blocks * RAFTLOG_BLOCK_SIZE, r);
}

static void print_rec(struct insp *in, uint64_t off, const struct rl_rec *r,
		      int err, const char *verdict, bool fail)
{
	if (fail)
		in->problems++;
	if (in->j.on) {
		j_begin(&in->j, NULL, '{');
		j_u64(&in->j, "off", off);
		if (err == RL_DISK_OK || err >= RL_DISK_EBODY) {
			j_u64(&in->j, "seq", r->seq);
			j_u64(&in->j, "epoch", r->epoch);
			j_u64(&in->j, "first_index", r->first_index);
			j_u64(&in->j, "count", r->count);
			j_u64(&in->j, "blocks", r->blocks);
			j_bool(&in->j, "wrapped", r->flags & RAFTLOG_REC_F_WRAPPED);
		}
		j_str(&in->j, "status", verdict);
		j_bool(&in->j, "valid", !fail && err == RL_DISK_OK);
		j_end(&in->j, '}');
		return;
	}
	printf("  @%-8llu ", (unsigned long long)off);
	if (err == RL_DISK_OK || err >= RL_DISK_EBODY)
		printf("seq %llu epoch %llu index %llu..%llu (%u) %u blk%s: ",
		       (unsigned long long)r->seq, (unsigned long long)r->epoch,
		       (unsigned long long)r->first_index,
		       (unsigned long long)(r->first_index + r->count - 1),
		       r->count, r->blocks,
		       r->flags & RAFTLOG_REC_F_WRAPPED ? " wrapped" : "");
	printf("%s%s\n", fail ? "FAIL: " : "", verdict);
}

static int do_records(struct insp *in, const struct rl_meta *m)
{
	struct rl_scan s;
	uint64_t off = m->head_off, used = 0, last, prev_last;
	const char *end = "end of log";
	char verdict[64];
	bool below;

	rl_scan_init(&s, m);
	if (in->j.on)
		j_begin(&in->j, "records", '[');
	section(in, "records (from the durable head)");
	for (;;) {
		struct rl_rec r;
		bool present, wrapped_ok = false;
		int err = read_rec(in, off, &r, &present);
		uint64_t at = off;

		if (err < 0)
			return -1;
		/* not here: maybe it went to ring start because it did not fit */
		if ((err || r.seq != s.next_seq) && s.nrec && off != 0) {
			struct rl_rec r0;
			bool p0;
			int e0 = read_rec(in, 0, &r0, &p0);

			if (e0 < 0)
				return -1;
			if (!e0 && r0.seq == s.next_seq &&
			    (r0.flags & RAFTLOG_REC_F_WRAPPED) &&
			    r0.blocks > in->sb.ring_blocks - off) {
				used += in->sb.ring_blocks - off;
				r = r0;
				err = 0;
				present = true;
				at = 0;
				wrapped_ok = true;
			}
		}
		if (err == RL_DISK_OK && !wrapped_ok && at == 0 && s.nrec &&
		    (r.flags & RAFTLOG_REC_F_WRAPPED) && r.seq == s.next_seq) {
			/* WRAPPED at a natural position: written elsewhere */
			print_rec(in, at, &r, RL_DISK_EFIELD,
				  "wrapped flag on a record that did not wrap", true);
			end = "bad record";
			break;
		}
		if (err) {
			/*
			 * Blocks that are not ours (never written, earlier
			 * format) end the log normally; a damaged record of
			 * ours (torn write, bit rot) is a failing check.
			 */
			if (!present) {
				end = "end of log (no record)";
				break;
			}
			print_rec(in, at, &r, err, rl_disk_strerror(err), true);
			end = "damaged record";
			break;
		}
		if (used + r.blocks > in->sb.ring_blocks) {
			print_rec(in, at, &r, RL_DISK_EFIELD,
				  "chain longer than the ring", true);
			end = "bad record";
			break;
		}
		prev_last = s.last;
		err = rl_scan_add(&s, &r);
		if (err == RL_DISK_ESEQ || err == RL_DISK_EEPOCH) {
			/* a stale record: an older lap, or cut by a truncation */
			if (!in->j.on)
				printf("  @%-8llu seq %llu epoch %llu: not part of the log (%s)\n",
				       (unsigned long long)at, (unsigned long long)r.seq,
				       (unsigned long long)r.epoch, rl_disk_strerror(err));
			end = "end of log (stale record)";
			break;
		}
		if (err) {
			print_rec(in, at, &r, err, rl_disk_strerror(err), true);
			end = "bad record";
			break;
		}
		if (s.nrec > 1 && s.cut < prev_last) {
			snprintf(verdict, sizeof(verdict),
				 "ok (earlier entries above %llu are dead)",
				 (unsigned long long)s.cut);
			print_rec(in, at, &r, 0, verdict, false);
		} else {
			print_rec(in, at, &r, 0, "ok", false);
		}
		used += r.blocks;
		off = at + r.blocks;
		if (off >= in->sb.ring_blocks)
			off = 0;
		if (s.nrec > in->sb.ring_blocks)
			break;
	}
	if (in->j.on)
		j_end(&in->j, ']');
	last = rl_scan_finish(&s);
	/* as the module checks at open: committed entries must be there */
	below = m->commit > (last > m->snap_index ? last : m->snap_index);
	if (below)
		in->problems++;
	if (in->j.on) {
		j_begin(&in->j, "log", '{');
		j_u64(&in->j, "first_index", m->first_index);
		j_u64(&in->j, "last_index", last);
		j_u64(&in->j, "records", s.nrec);
		j_u64(&in->j, "used_blocks", used);
		j_str(&in->j, "end", end);
		j_bool(&in->j, "below_commit", below);
		j_end(&in->j, '}');
	} else {
		printf("log: first index %llu, last index %llu, %llu records, %llu blocks used; %s\n",
		       (unsigned long long)m->first_index,
		       (unsigned long long)last, (unsigned long long)s.nrec,
		       (unsigned long long)used, end);
		if (below)
			printf("FAIL: the log ends at %llu, below the durable commit index %llu: committed entries are damaged or lost; the module refuses to start a group on this device (EUCLEAN)\n",
			       (unsigned long long)last,
			       (unsigned long long)m->commit);
	}
	return 0;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct insp in;
	struct rl_meta m;
	int opt, rc = RC_USAGE;

	memset(&in, 0, sizeof(in));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			in.j.on = true;
			break;
		case 'h':
			rc_usage("inspect");
			return RC_OK;
		default:
			return rc_usage("inspect");
		}
	}
	if (optind != argc - 1)
		return rc_usage("inspect");
	in.fd = rc_dev_open(argv[optind], false, &in.size);
	if (in.fd < 0)
		return RC_USAGE;
	in.buf = malloc(RAFTLOG_REC_MAX_BLOCKS * RAFTLOG_BLOCK_SIZE);
	if (!in.buf) {
		rc_err("out of memory");
		goto out;
	}
	if (in.j.on) {
		j_begin(&in.j, NULL, '{');
		j_str(&in.j, "device", argv[optind]);
	}
	if (do_superblock(&in) == 0 && do_meta(&in, &m) == 0) {
		if (do_snapshots(&in, &m) < 0 || do_records(&in, &m) < 0)
			goto out;
	} else if (in.problems == 0) {
		goto out;	/* I/O error */
	}
	if (in.j.on) {
		j_u64(&in.j, "problems", in.problems);
		j_end(&in.j, '}');
	} else {
		printf("%d problem%s found\n", in.problems, in.problems == 1 ? "" : "s");
	}
	rc = in.problems ? RC_CORRUPT : RC_OK;
out:
	free(in.buf);
	close(in.fd);
	return rc;
}
