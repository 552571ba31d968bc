/* protocol-private — the JSON helpers protocol.c and protocol-roster.c share; nothing else includes
 * this. Readers are strict: `where` prefixes every error ("event 3 (uuid): "), so the sentence
 * names the item and the field that is wrong. */
#pragma once

#include <json-glib/json-glib.h>

#include "sync/json-bounded.h"
#include "sync/protocol.h"

void pj_add_str(JsonBuilder *b, const char *key, const char *value); /* NULL = null */
void pj_add_int(JsonBuilder *b, const char *key, gint64 value);
char *pj_finish(JsonBuilder *b);
/* The body's top-level object, read within `bounds` (sync/json-bounded.h), or NULL with "the body is
 * not JSON (...)" or the bound it broke. Borrowed from `p`. */
JsonObject *pj_parse_object(JsonParser *p, const char *body, gsize len, const JsonBounds *bounds, GError **error);
/* A member that must be a string of at most `max` bytes (or null/absent when `nullable`). */
gboolean pj_get_str(JsonObject *o, const char *key, gboolean nullable, gsize max, const char **out,
                    const char *where, GError **error);
gboolean pj_get_int(JsonObject *o, const char *key, gint64 *out, const char *where, GError **error);
gboolean pj_one_of(const char *v, const char *const *allowed, const char *key, const char *where, GError **error);
gboolean pj_valid_date(const char *s); /* YYYY-MM-DD, a real day */

/* A person's "photo" (protocol-answers.c): absent = unchanged; null = none any more; else base64 of
 * a JPEG or PNG that app/photo.h accepts (checked here, the sentence naming the person). */
gboolean protocol_parse_photo(JsonObject *o, gboolean *has_photo, GBytes **photo, const char *where, GError **error);
void protocol_add_photo(JsonBuilder *b, GBytes *photo);

/* The heartbeat's "match" object (protocol-match.c): absent or null = no report (`*match` NULL);
 * else every member checked, the sentence naming it ("match": "genuine_median" ...). */
gboolean protocol_parse_match(JsonObject *heartbeat, MatchReport **match, GError **error);
void protocol_add_match(JsonBuilder *b, const MatchReport *match);
