/* devices — who may talk to the receiver. Each device has a random secret, issued once in exchange
 * for a one-time provisioning token; both are stored only as BLAKE2b keyed with a per-device salt
 * (libsodium crypto_generichash). They are 256-bit random values, not passwords, so a fast hash is
 * enough and costs nothing per request. */
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

#include "receiver/receiver.h"
#include "app/clock.h"

static char *random_hex(gsize bytes)
{
    guint8 buf[64];
    g_assert(bytes <= sizeof buf);
    randombytes_buf(buf, bytes);
    char *hex = g_malloc(bytes * 2 + 1);
    sodium_bin2hex(hex, bytes * 2 + 1, buf, bytes);
    return hex;
}

static char *keyed_hash(const char *salt, const char *value)
{
    guint8 out[32];
    crypto_generichash(out, sizeof out, (const guint8 *)value, strlen(value), (const guint8 *)salt, strlen(salt));
    char *hex = g_malloc(sizeof out * 2 + 1);
    sodium_bin2hex(hex, sizeof out * 2 + 1, out, sizeof out);
    return hex;
}

static char *now_iso(void)
{
    g_autoptr(GDateTime) now = clock_now_utc();
    return g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean valid_id(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return FALSE;
    for (const char *p = s; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("-_.", *p))
            return FALSE;
    return TRUE;
}

gboolean rx_device_add(RxDb *db, const char *id, const char *office, gint64 ttl_s, char **token, GError **error)
{
    if (!valid_id(id)) {
        g_set_error(error, RX_ERROR, RX_ERROR_BAD_REQUEST,
                    "device id \"%s\" is not valid: expected 1 to 64 letters, digits, '-', '_' or '.'", id);
        return FALSE;
    }
    if (sodium_init() < 0) {
        g_set_error(error, RX_ERROR, 500, "libsodium could not start");
        return FALSE;
    }
    g_autofree char *salt = random_hex(16);
    g_autofree char *tok = random_hex(16);
    g_autofree char *hash = keyed_hash(salt, tok);
    g_autofree char *expires = g_strdup_printf("%" G_GINT64_FORMAT, clock_now_us() / G_USEC_PER_SEC + ttl_s);
    g_autofree char *now = now_iso();
    const char *p[] = {id, office, salt, hash, expires, now};
    /* A device that exists keeps its secret until the new token is used (re-provisioning). */
    if (!rx_db_exec(db,
                    "INSERT INTO devices (id, office, status, salt, token_hash, token_expires, created_at) "
                    "VALUES ($1, $2, 'pending', $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET "
                    "office = excluded.office, token_hash = excluded.token_hash, "
                    "token_expires = excluded.token_expires, salt = CASE WHEN devices.secret_hash IS NULL "
                    "THEN excluded.salt ELSE devices.salt END, status = CASE WHEN devices.status = 'revoked' "
                    "THEN 'pending' ELSE devices.status END",
                    p, 6, error))
        return FALSE;
    /* The salt may have been kept: hash the token with the stored one. */
    g_autoptr(GPtrArray) rows = rx_db_query(db, "SELECT salt FROM devices WHERE id = $1", p, 1, error);
    if (!rows || rows->len != 1)
        return FALSE;
    g_autofree char *hash2 = keyed_hash(RX_CELL(rows, 0, 0), tok);
    const char *q[] = {id, hash2};
    if (!rx_db_exec(db, "UPDATE devices SET token_hash = $2 WHERE id = $1", q, 2, error))
        return FALSE;
    *token = g_steal_pointer(&tok);
    return TRUE;
}

gboolean rx_device_write_provision_file(const char *path, const char *id, const char *office, const char *server,
                                        const char *token, gint64 ttl_s, GError **error)
{
    g_autoptr(GDateTime) now = clock_now_utc();
    g_autoptr(GDateTime) until = g_date_time_add_seconds(now, (double)ttl_s);
    g_autofree char *expires = g_date_time_format(until, "%Y-%m-%dT%H:%M:%SZ");
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    const char *keys[] = {"device_id", "office", "server", "token", "expires"};
    const char *values[] = {id, office, server, token, expires};
    for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
        json_builder_set_member_name(b, keys[i]);
        json_builder_add_string_value(b, values[i]);
    }
    json_builder_end_object(b);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    g_autofree char *json = json_generator_to_data(gen, NULL);
    /* The token is a one-time key to this centre: readable by whoever carries the stick, no one else. */
    return g_file_set_contents_full(path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean rx_device_revoke(RxDb *db, const char *id, GError **error)
{
    const char *p[] = {id};
    gint64 n = rx_db_change(db, "UPDATE devices SET status = 'revoked', secret_hash = NULL, token_hash = NULL "
                                "WHERE id = $1", p, 1, error);
    if (n < 0)
        return FALSE;
    if (n == 0) {
        g_set_error(error, RX_ERROR, RX_ERROR_NOT_FOUND, "no device \"%s\"", id);
        return FALSE;
    }
    return TRUE;
}

GPtrArray *rx_device_list(RxDb *db, GError **error)
{
    return rx_db_query(db, "SELECT id, office, status, last_seen, clock_offset_s, heartbeat FROM devices ORDER BY id",
                       NULL, 0, error);
}

char *rx_device_unwritable(const char *heartbeat)
{
    ProtocolHeartbeat hb;
    if (!heartbeat || !protocol_parse_heartbeat(heartbeat, strlen(heartbeat), &hb, NULL))
        return NULL;
    char *why = g_steal_pointer(&hb.database_unwritable);
    protocol_heartbeat_clear(&hb);
    return why;
}

MatchReport *rx_device_match(const char *heartbeat)
{
    ProtocolHeartbeat hb;
    if (!heartbeat || !protocol_parse_heartbeat(heartbeat, strlen(heartbeat), &hb, NULL))
        return NULL;
    MatchReport *match = g_steal_pointer(&hb.match);
    protocol_heartbeat_clear(&hb);
    return match;
}

char *rx_device_match_summary(const MatchReport *m)
{
    return g_strdup_printf("%u fingers compared (%u poor); a finger's own touches score %.1f (median, lowest "
                           "tenth %.1f), strangers at most %.1f; at threshold %.1f: false matches %.2f %%, "
                           "false non-matches %.1f %% (measured %s)",
                           m->fingers, m->poor_fingers, m->genuine_median, m->genuine_p10, m->impostor_max,
                           m->threshold, 100 * m->false_match_rate, 100 * m->false_non_match_rate, m->computed_at);
}

gboolean rx_device_provision(RxDb *db, const char *id, const char *token, char **secret, char **office,
                             GError **error)
{
    const char *p[] = {id};
    g_autoptr(GPtrArray) rows = rx_db_query(db, "SELECT salt, token_hash, token_expires, office, status FROM devices "
                                                "WHERE id = $1", p, 1, error);
    if (!rows)
        return FALSE;
    gboolean ok = rows->len == 1 && RX_CELL(rows, 0, 1) && g_strcmp0(RX_CELL(rows, 0, 4), "revoked") != 0;
    if (ok) {
        g_autofree char *hash = keyed_hash(RX_CELL(rows, 0, 0), token);
        ok = strlen(hash) == strlen(RX_CELL(rows, 0, 1)) && sodium_memcmp(hash, RX_CELL(rows, 0, 1), strlen(hash)) == 0;
    }
    if (!ok) {
        g_set_error(error, RX_ERROR, RX_ERROR_UNAUTHORISED,
                    "the provisioning token is not valid for device \"%s\" (wrong, used, or the device was "
                    "never added: haazri-receiver device add)", id);
        return FALSE;
    }
    if (g_ascii_strtoll(RX_CELL(rows, 0, 2), NULL, 10) < clock_now_us() / G_USEC_PER_SEC) {
        g_set_error(error, RX_ERROR, RX_ERROR_UNAUTHORISED,
                    "the provisioning token for device \"%s\" has expired: issue a new one", id);
        return FALSE;
    }
    g_autofree char *new_secret = random_hex(32);
    g_autofree char *hash = keyed_hash(RX_CELL(rows, 0, 0), new_secret);
    const char *q[] = {id, hash, RX_CELL(rows, 0, 1)};
    /* Compare-and-set on the token: two racing uses can't both get a secret. */
    gint64 n = rx_db_change(db, "UPDATE devices SET secret_hash = $2, token_hash = NULL, token_expires = NULL, "
                                "status = 'active' WHERE id = $1 AND token_hash = $3", q, 3, error);
    if (n < 0)
        return FALSE;
    if (n == 0) {
        g_set_error(error, RX_ERROR, RX_ERROR_UNAUTHORISED, "the provisioning token was used already");
        return FALSE;
    }
    *secret = g_steal_pointer(&new_secret);
    *office = g_strdup(RX_CELL(rows, 0, 3));
    return TRUE;
}

gboolean rx_device_authenticate(RxDb *db, const char *id, const char *secret, char **office, GError **error)
{
    const char *p[] = {id};
    g_autoptr(GPtrArray) rows = rx_db_query(db, "SELECT salt, secret_hash, office FROM devices "
                                                "WHERE id = $1 AND status = 'active'", p, 1, error);
    if (!rows)
        return FALSE;
    if (rows->len == 1 && RX_CELL(rows, 0, 1)) {
        g_autofree char *hash = keyed_hash(RX_CELL(rows, 0, 0), secret);
        if (strlen(hash) == strlen(RX_CELL(rows, 0, 1)) &&
            sodium_memcmp(hash, RX_CELL(rows, 0, 1), strlen(hash)) == 0) {
            *office = g_strdup(RX_CELL(rows, 0, 2));
            return TRUE;
        }
    }
    g_set_error(error, RX_ERROR, RX_ERROR_UNAUTHORISED, "unknown or revoked device, or a wrong secret");
    return FALSE;
}
