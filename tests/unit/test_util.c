/* Unit tests for src/util.c: hex and bounded, atomic file I/O. */
#include "config.h"

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "tests/tap.h"

int
main(void)
{
	uint8_t		 buf[4], *data;
	char		 hex[9], err[256], dir[] = "/tmp/contrast-test-XXXXXX";
	char		 path[512];
	size_t		 len;
	struct stat	 st;

	hex_encode((const uint8_t *)"\x00\xab\xcd\xff", 4, hex);
	is_str(hex, "00abcdff", "hex_encode is lowercase");
	ok(hex_decode("00ABcdff", 8, buf, 4) == 0 &&
	    memcmp(buf, "\x00\xab\xcd\xff", 4) == 0,
	    "hex_decode is case-insensitive");
	ok(hex_decode("00abcdf", 7, buf, 4) == -1, "odd hex length refused");
	ok(hex_decode("00abcdfg", 8, buf, 4) == -1, "non-hex digit refused");
	ok(hex_decode("00abcd", 6, buf, 4) == -1, "short hex refused");

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/f", dir);
	ok(file_write_atomic(path, "hello", 5, 0400, err, sizeof(err)) == 0,
	    "atomic write");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0400,
	    "atomic write sets the mode");
	ok(file_read(path, 5, &data, &len, err, sizeof(err)) == 0 &&
	    len == 5 && memcmp(data, "hello", 5) == 0 && data[5] == '\0',
	    "file_read at exactly the cap");
	free(data);
	ok(file_read(path, 4, &data, &len, err, sizeof(err)) == -1 &&
	    strstr(err, path) != NULL,
	    "file_read over the cap is refused, naming the file");
	ok(file_read(dir, 100, &data, &len, err, sizeof(err)) == -1,
	    "file_read of a directory is refused");
	unlink(path);
	rmdir(dir);

	{
		struct textbuf	 b = { NULL, 0, 0, 8, 0 };
		char		*t;
		size_t		 tl;

		textbuf_str(&b, "ab");
		textbuf_spaces(&b, 3);
		textbuf_add(&b, "cde", 3);
		ok(!b.failed && b.len == 8 && strcmp(b.p, "ab   cde") == 0,
		    "textbuf: up to its max, NUL-terminated");
		textbuf_add(&b, "f", 1);
		textbuf_add(&b, "", 0);
		ok(b.failed, "textbuf: one byte past max fails and stays failed");
		ok(textbuf_take(&b, &tl) == NULL && b.p == NULL,
		    "textbuf: take of a failed buffer frees it, NULL");
		memset(&b, 0, sizeof(b));
		t = textbuf_take(&b, &tl);
		ok(t != NULL && tl == 0 && t[0] == '\0',
		    "textbuf: take of an empty buffer is \"\"");
		free(t);
	}
	return tap_done();
}
