// SPDX-License-Identifier: GPL-2.0
/*
 * rljson: check that a file is one well-formed JSON value (RFC 8259:
 * objects, arrays, strings with escapes, numbers, true/false/null, and
 * nothing after the value) and print the values at the given dotted key
 * paths, one per line, for guest test scripts (busybox has no jq).
 *
 *   rljson FILE [KEY.PATH]...
 *
 * Exit 0 when the file is well-formed and every path was found, 1 with a
 * diagnostic otherwise.  Strings are printed without quotes or escapes
 * decoded; numbers and literals as written; objects and arrays as
 * "{...}" / "[...]".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s, *start;
static char **paths;
static int npaths;
static const char **found_at;	/* value start per path */
static const char **found_end;

static int fail(const char *why)
{
	fprintf(stderr, "rljson: %s at byte %ld\n", why, (long)(s - start));
	return -1;
}

static void ws(void)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
}

static int value(const char *path);

static int string(void)
{
	if (*s != '"')
		return fail("expected a string");
	s++;
	for (;;) {
		unsigned char c = (unsigned char)*s;

		if (!c)
			return fail("unterminated string");
		if (c < 0x20)
			return fail("control character in a string");
		s++;
		if (c == '"')
			return 0;
		if (c != '\\')
			continue;
		c = (unsigned char)*s++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++, s++)
				if (!isxdigit((unsigned char)*s))
					return fail("bad \\u escape");
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return fail("bad escape");
		}
	}
}

static int number(void)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (isdigit((unsigned char)*s))
			s++;
	else
		return fail("bad number");
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return fail("bad fraction");
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return fail("bad exponent");
		while (isdigit((unsigned char)*s))
			s++;
	}
	return 0;
}

static void note(const char *path, const char *b, const char *e)
{
	for (int i = 0; i < npaths; i++)
		if (!strcmp(paths[i], path)) {
			found_at[i] = b;
			found_end[i] = e;
		}
}

static int object(const char *path)
{
	s++;
	ws();
	if (*s == '}') {
		s++;
		return 0;
	}
	for (;;) {
		const char *k;
		char *sub;
		size_t klen, plen = strlen(path);
		int r;

		ws();
		k = s + 1;
		if (string())
			return -1;
		klen = (size_t)(s - 1 - k);
		sub = malloc(plen + klen + 2);
		if (!sub)
			return fail("out of memory");
		if (plen)
			sprintf(sub, "%s.%.*s", path, (int)klen, k);
		else
			sprintf(sub, "%.*s", (int)klen, k);
		ws();
		if (*s != ':') {
			free(sub);
			return fail("expected ':'");
		}
		s++;
		r = value(sub);
		free(sub);
		if (r)
			return r;
		ws();
		if (*s == '}') {
			s++;
			return 0;
		}
		if (*s != ',')
			return fail("expected ',' or '}'");
		s++;
	}
}

static int array(const char *path)
{
	s++;
	ws();
	if (*s == ']') {
		s++;
		return 0;
	}
	for (;;) {
		if (value(path))
			return -1;
		ws();
		if (*s == ']') {
			s++;
			return 0;
		}
		if (*s != ',')
			return fail("expected ',' or ']'");
		s++;
	}
}

static int value(const char *path)
{
	const char *b;
	int r;

	ws();
	b = s;
	if (*s == '{')
		r = object(path);
	else if (*s == '[')
		r = array(path);
	else if (*s == '"')
		r = string();
	else if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
		s += 4, r = 0;
	else if (!strncmp(s, "false", 5))
		s += 5, r = 0;
	else
		r = number();
	if (!r)
		note(path, b, s);
	return r;
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	FILE *f;
	size_t n;
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: rljson FILE [KEY.PATH]...\n");
		return 2;
	}
	f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	if (n == sizeof(buf) - 1 || memchr(buf, 0, n)) {
		fprintf(stderr, "rljson: file too large or has NUL bytes\n");
		return 1;
	}
	buf[n] = 0;
	s = start = buf;
	paths = argv + 2;
	npaths = argc - 2;
	found_at = calloc(npaths + 1, sizeof(*found_at));
	found_end = calloc(npaths + 1, sizeof(*found_end));
	if (value(""))
		return 1;
	ws();
	if (*s)
		return fail("trailing bytes after the value") ? 1 : 1;
	for (int i = 0; i < npaths; i++) {
		const char *b = found_at[i], *e = found_end[i];

		if (!b) {
			fprintf(stderr, "rljson: no value at %s\n", paths[i]);
			bad = 1;
		} else if (*b == '"') {
			printf("%.*s\n", (int)(e - b - 2), b + 1);
		} else if (*b == '{') {
			printf("{...}\n");
		} else if (*b == '[') {
			printf("[...]\n");
		} else {
			printf("%.*s\n", (int)(e - b), b);
		}
	}
	return bad;
}
