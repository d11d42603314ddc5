// SPDX-License-Identifier: GPL-2.0
/*
 * jget PATH: read one JSON document from stdin and print the scalar at
 * PATH ("0.members.2.connected": array indexes and object keys joined by
 * dots; "#" as the last element prints an array's length).  Exit 1 when
 * the path does not exist, 2 when the input is not valid JSON.  The guest
 * has no jq; this is what the scripts parse raftctl -j output with.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *p;
static int bad;

static void ws(void)
{
	while (*p && isspace((unsigned char)*p))
		p++;
}

/* Skip or print one value; want: the rest of the path (NULL: skip). */
static int value(const char *want);

static int string(char *out, size_t len)
{
	size_t n = 0;

	if (*p != '"')
		return bad = 1, -1;
	p++;
	while (*p && *p != '"') {
		char c = *p++;

		if (c == '\\') {
			c = *p++;
			if (c == 'u') {
				if (strlen(p) < 4)
					return bad = 1, -1;
				c = (char)strtol((char[5]){ p[0], p[1], p[2], p[3], 0 }, NULL, 16);
				p += 4;
			} else if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (!c) {
				return bad = 1, -1;
			}
		}
		if (out && n + 1 < len)
			out[n++] = c;
	}
	if (*p != '"')
		return bad = 1, -1;
	p++;
	if (out)
		out[n] = 0;
	return 0;
}

static void head(const char *want, char *key, size_t len, const char **rest)
{
	const char *dot = strchr(want, '.');
	size_t n = dot ? (size_t)(dot - want) : strlen(want);

	if (n >= len)
		n = len - 1;
	memcpy(key, want, n);
	key[n] = 0;
	*rest = dot ? dot + 1 : "";
}

static int object(const char *want)
{
	char key[256], k[256];
	const char *rest = NULL;
	int found = 0;

	if (want)
		head(want, k, sizeof(k), &rest);
	p++;
	ws();
	if (*p == '}')
		return p++, 0;
	for (;;) {
		ws();
		if (string(key, sizeof(key)))
			return -1;
		ws();
		if (*p++ != ':')
			return bad = 1, -1;
		ws();
		if (want && !strcmp(key, k))
			found |= value(rest) > 0;
		else if (value(NULL) < 0)
			return -1;
		ws();
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p++ != '}')
			return bad = 1, -1;
		return found;
	}
}

static int array(const char *want)
{
	const char *rest = NULL;
	char k[64];
	long idx = -1, n = 0;
	int found = 0;

	if (want) {
		head(want, k, sizeof(k), &rest);
		if (strcmp(k, "#"))
			idx = strtol(k, NULL, 10);
	}
	p++;
	ws();
	if (*p == ']') {
		p++;
		goto out;
	}
	for (;;) {
		ws();
		if (n == idx)
			found |= value(rest) > 0;
		else if (value(NULL) < 0)
			return -1;
		n++;
		ws();
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p++ != ']')
			return bad = 1, -1;
		break;
	}
out:
	if (want && !strcmp(k, "#")) {
		printf("%ld\n", n);
		return 1;
	}
	return found;
}

static int value(const char *want)
{
	const char *start;
	char s[4096];

	ws();
	if (*p == '{')
		return object(want && *want ? want : NULL);
	if (*p == '[')
		return array(want && *want ? want : NULL);
	if (*p == '"') {
		if (string(s, sizeof(s)))
			return -1;
		if (want && !*want) {
			printf("%s\n", s);
			return 1;
		}
		return 0;
	}
	start = p;
	while (*p && (isalnum((unsigned char)*p) || *p == '-' || *p == '+' ||
		      *p == '.'))
		p++;
	if (p == start)
		return bad = 1, -1;
	if (want && !*want) {
		printf("%.*s\n", (int)(p - start), start);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);
	int found;

	if (argc != 2) {
		fprintf(stderr, "usage: jget PATH < JSON\n");
		return 2;
	}
	buf[n] = 0;
	p = buf;
	found = value(argv[1]);
	ws();
	if (bad || found < 0 || *p) {
		fprintf(stderr, "jget: invalid JSON near offset %ld\n",
			(long)(p - buf));
		return 2;
	}
	return found ? 0 : 1;
}
