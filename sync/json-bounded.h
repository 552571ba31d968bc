/* json-bounded — the one way JSON from outside (a request body, a server's reply, a roster page,
 * a provisioning file, a roster file) is read, on the kiosk and at the centre.
 *
 * json-glib 1.6 recurses once per nesting level and has no limit: 100,000 nested "[" overflow the
 * stack and kill the process. So before json-glib sees a byte, a flat (non-recursive) pre-scan
 * checks the size, the nesting depth, each string's length, each array's or object's member count,
 * the number of values in all, each number's length and range (a whole number must fit 64 bits),
 * and refuses "\u0000" inside a string (json-glib would cut the string there silently). The
 * refusal is one sentence naming what was wrong and, where it can, the member ("wall_utc_us"). */
#pragma once

#include <json-glib/json-glib.h>

#define JSON_BOUNDED_ERROR (g_quark_from_static_string("haazri-json-bounded"))
typedef enum {
    JSON_BOUNDED_TOO_BIG = 1,
    JSON_BOUNDED_TOO_DEEP,
    JSON_BOUNDED_STRING_TOO_LONG,
    JSON_BOUNDED_TOO_MANY,
    JSON_BOUNDED_BAD_NUMBER,
    JSON_BOUNDED_NUL,
    JSON_BOUNDED_MALFORMED,
    JSON_BOUNDED_FILE,
} JsonBoundedError;

typedef struct {
    gsize max_bytes;   /* the whole text */
    guint max_depth;   /* arrays and objects inside each other */
    gsize max_string;  /* bytes of one string as written (escapes count as written) */
    guint max_members; /* elements of one array, or members of one object */
    guint max_values;  /* every value, key and container in the text */
    guint max_number;  /* characters of one number */
} JsonBounds;

/* A sync message either way: a push, a roster page, audit rows, enrollments, a reply. A roster page
 * is ~2 MB, a push of 5000 check-ins ~2.5 MB; a template is at most 1.4 MB of base64. */
extern const JsonBounds json_bounds_message;
/* A roster file loaded at the centre (a whole province: 20,000 people with fingers is ~200 MB). */
extern const JsonBounds json_bounds_roster_file;
/* A provisioning file or request: a few short strings. */
extern const JsonBounds json_bounds_small;

/* The pre-scan alone: TRUE when `data` stays inside `bounds` (it may still be invalid JSON). */
gboolean json_bounded_check(const char *data, gsize len, const JsonBounds *bounds, GError **error);
/* The pre-scan, then json_parser_load_from_data. json-glib's own errors come back as they are
 * (JSON_PARSER_ERROR), the pre-scan's in JSON_BOUNDED_ERROR. */
gboolean json_bounded_load(JsonParser *parser, const char *data, gsize len, const JsonBounds *bounds,
                           GError **error);
/* Reads a regular file ("-" = standard input) of at most bounds->max_bytes without reading past
 * that, so a device file or a huge file is refused before it fills memory. */
char *json_bounded_read_file(const char *path, const JsonBounds *bounds, gsize *len, GError **error);
/* json_bounded_read_file, then json_bounded_load. */
gboolean json_bounded_load_file(JsonParser *parser, const char *path, const JsonBounds *bounds, GError **error);
