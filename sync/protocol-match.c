/* protocol-match — the heartbeat's "match" object: what a kiosk's enrolled fingers say about its
 * scanner (app/match-report.h). Numbers and one warning sentence; nothing about any person. */
#include <math.h>

#include "sync/protocol-private.h"

/* Far above anything real (a province is ~20,000 people), low enough that no sum overflows. */
#define COUNT_MAX 100000000
/* Scores are -log10 of a chance: the same print scores ~20-60, nothing real reaches this. */
#define SCORE_MAX 1000.0

static void add_double(JsonBuilder *b, const char *key, double value)
{
    json_builder_set_member_name(b, key);
    json_builder_add_double_value(b, value);
}

void protocol_add_match(JsonBuilder *b, const MatchReport *m)
{
    json_builder_set_member_name(b, "match");
    json_builder_begin_object(b);
    pj_add_int(b, "fingers", m->fingers);
    pj_add_int(b, "poor_fingers", m->poor_fingers);
    pj_add_int(b, "genuine", m->genuine);
    pj_add_int(b, "impostor", m->impostor);
    add_double(b, "genuine_median", m->genuine_median);
    add_double(b, "genuine_p10", m->genuine_p10);
    add_double(b, "impostor_max", m->impostor_max);
    add_double(b, "impostor_p99", m->impostor_p99);
    add_double(b, "threshold", m->threshold);
    add_double(b, "false_match_rate", m->false_match_rate);
    add_double(b, "false_non_match_rate", m->false_non_match_rate);
    pj_add_str(b, "warning", m->warning);
    pj_add_str(b, "computed_at", m->computed_at);
    json_builder_end_object(b);
}

static gboolean get_count(JsonObject *o, const char *key, guint *out, GError **error)
{
    gint64 v;
    if (!pj_get_int(o, key, &v, "\"match\": ", error))
        return FALSE;
    if (v < 0 || v > COUNT_MAX) {
        g_set_error(error, PROTOCOL_ERROR, 1, "\"match\": \"%s\" must be a whole number from 0 to %d", key,
                    COUNT_MAX);
        return FALSE;
    }
    *out = (guint)v;
    return TRUE;
}

/* A number (whole or not) from 0 to `max`. */
static gboolean get_number(JsonObject *o, const char *key, double max, double *out, GError **error)
{
    JsonNode *n = json_object_get_member(o, key);
    GType t = n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_value_type(n) : G_TYPE_INVALID;
    double v = t == G_TYPE_DOUBLE ? json_node_get_double(n) : t == G_TYPE_INT64 ? (double)json_node_get_int(n) : NAN;
    if (!(v >= 0 && v <= max)) { /* also NaN: not a number at all */
        g_set_error(error, PROTOCOL_ERROR, 1, "\"match\": \"%s\" must be a number from 0 to %g", key, max);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

gboolean protocol_parse_match(JsonObject *heartbeat, MatchReport **match, GError **error)
{
    *match = NULL;
    JsonNode *n = json_object_get_member(heartbeat, "match");
    if (!n || JSON_NODE_HOLDS_NULL(n))
        return TRUE; /* a kiosk that has not measured yet, or one too old to */
    if (!JSON_NODE_HOLDS_OBJECT(n)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "\"match\" must be an object or null");
        return FALSE;
    }
    JsonObject *o = json_node_get_object(n);
    g_autoptr(MatchReport) m = g_new0(MatchReport, 1);
    const char *warning, *at;
    if (!get_count(o, "fingers", &m->fingers, error) || !get_count(o, "poor_fingers", &m->poor_fingers, error) ||
        !get_count(o, "genuine", &m->genuine, error) || !get_count(o, "impostor", &m->impostor, error) ||
        !get_number(o, "genuine_median", SCORE_MAX, &m->genuine_median, error) ||
        !get_number(o, "genuine_p10", SCORE_MAX, &m->genuine_p10, error) ||
        !get_number(o, "impostor_max", SCORE_MAX, &m->impostor_max, error) ||
        !get_number(o, "impostor_p99", SCORE_MAX, &m->impostor_p99, error) ||
        !get_number(o, "threshold", SCORE_MAX, &m->threshold, error) ||
        !get_number(o, "false_match_rate", 1, &m->false_match_rate, error) ||
        !get_number(o, "false_non_match_rate", 1, &m->false_non_match_rate, error) ||
        !pj_get_str(o, "warning", TRUE, PROTOCOL_SENTENCE_MAX, &warning, "\"match\": ", error) ||
        !pj_get_str(o, "computed_at", FALSE, sizeof m->computed_at - 1, &at, "\"match\": ", error))
        return FALSE;
    if (m->poor_fingers > m->fingers) {
        g_set_error(error, PROTOCOL_ERROR, 1, "\"match\": \"poor_fingers\" (%u) is more than \"fingers\" (%u)",
                    m->poor_fingers, m->fingers);
        return FALSE;
    }
    g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(at, NULL);
    if (!t) {
        g_set_error(error, PROTOCOL_ERROR, 1, "\"match\": \"computed_at\" must be an ISO 8601 time with its "
                    "UTC offset");
        return FALSE;
    }
    m->warning = warning && *warning ? g_strdup(warning) : NULL;
    g_strlcpy(m->computed_at, at, sizeof m->computed_at);
    *match = g_steal_pointer(&m);
    return TRUE;
}
