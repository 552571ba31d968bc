/* adms-proto — reading and writing the ADMS push protocol's text. See adms-proto.h. */
#include "sync/adms-proto.h"

#include <string.h>

void adms_options_init(AdmsOptions *o, int delay_s, int error_delay_s)
{
    *o = (AdmsOptions){.delay_s = delay_s, .error_delay_s = error_delay_s, .trans_interval_min = 1,
                       .realtime = TRUE};
}

/* Splits a bounded body into lines (\n or \r\n; the last may lack one). Lines longer than
 * ADMS_MAX_LINE become NULL entries' place-holders (""), counted in *too_long. */
static GPtrArray *split_lines(const char *body, gsize len, guint *too_long)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    gsize start = 0;
    for (gsize i = 0; i <= len && lines->len < ADMS_MAX_LINES; i++) {
        if (i < len && body[i] != '\n')
            continue;
        gsize end = i;
        if (end > start && body[end - 1] == '\r')
            end--;
        if (end - start > ADMS_MAX_LINE) {
            if (too_long)
                (*too_long)++;
        } else if (end > start || i < len) {
            g_ptr_array_add(lines, g_strndup(body + start, end - start));
        }
        start = i + 1;
    }
    return lines;
}

static gboolean too_big(gsize len, GError **error)
{
    if (len <= ADMS_MAX_REPLY)
        return FALSE;
    g_set_error(error, ADMS_ERROR, 1, "the ADMS server's reply is %zu bytes, more than the %u a terminal reads",
                len, ADMS_MAX_REPLY);
    return TRUE;
}

/* A whole decimal number in [min, max]. */
static gboolean read_int(const char *v, gint64 min, gint64 max, gint64 *out)
{
    char *end = NULL;
    while (*v == ' ')
        v++;
    if (!g_ascii_isdigit(*v) && *v != '-' && *v != '+')
        return FALSE;
    gint64 n = g_ascii_strtoll(v, &end, 10);
    while (end && *end == ' ')
        end++;
    if (!end || *end || n < min || n > max)
        return FALSE;
    *out = n;
    return TRUE;
}

gboolean adms_parse_timezone(const char *value, int *minutes)
{
    g_autofree char *v = g_strstrip(g_strdup(value));
    int sign = 1;
    const char *p = v;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!g_ascii_isdigit(*p) || strlen(p) > 5)
        return FALSE;
    const char *sep = strpbrk(p, ":.");
    gint64 h = 0, m = 0;
    if (sep) {
        g_autofree char *hours = g_strndup(p, (gsize)(sep - p));
        if (!read_int(hours, 0, 14, &h))
            return FALSE;
        if (*sep == ':') {
            if (!read_int(sep + 1, 0, 59, &m) || strlen(sep + 1) != 2)
                return FALSE;
        } else if (strcmp(sep + 1, "5") == 0 || strcmp(sep + 1, "50") == 0) {
            m = 30;
        } else if (strcmp(sep + 1, "75") == 0) {
            m = 45;
        } else if (strcmp(sep + 1, "0") == 0 || strcmp(sep + 1, "00") == 0) {
            m = 0;
        } else {
            return FALSE;
        }
    } else if (strlen(p) == 4) { /* 0530 */
        gint64 n;
        if (!read_int(p, 0, 1400, &n) || n % 100 > 59)
            return FALSE;
        h = n / 100;
        m = n % 100;
    } else {
        gint64 n;
        if (!read_int(p, 0, 840, &n))
            return FALSE;
        if (n <= 14) {
            h = n; /* hours: the common form */
        } else {
            h = n / 60; /* minutes */
            m = n % 60;
        }
    }
    *minutes = sign * (int)(h * 60 + m);
    return TRUE;
}

gboolean adms_parse_options(const char *body, gsize len, AdmsOptions *o, GError **error)
{
    if (too_big(len, error))
        return FALSE;
    if ((len >= 5 && strncmp(body, "ERROR", 5) == 0) || (len >= 4 && strncmp(body, "FAIL", 4) == 0)) {
        g_autofree char *what = adms_reply_summary(body, len);
        g_set_error(error, ADMS_ERROR, 2, "the ADMS server refused the handshake: %s", what);
        return FALSE;
    }
    g_autoptr(GPtrArray) lines = split_lines(body, len, NULL);
    o->got_options = FALSE;
    for (guint i = 0; i < lines->len; i++) {
        const char *line = g_ptr_array_index(lines, i);
        const char *eq = strchr(line, '=');
        if (!eq)
            continue; /* "GET OPTION FROM: <sn>", "OK", blank */
        g_autofree char *key = g_strstrip(g_strndup(line, (gsize)(eq - line)));
        const char *value = eq + 1;
        gint64 n;
        o->got_options = TRUE;
        if (g_ascii_strcasecmp(key, "Delay") == 0 && read_int(value, 1, 3600, &n))
            o->delay_s = (int)n;
        else if (g_ascii_strcasecmp(key, "ErrorDelay") == 0 && read_int(value, 1, 3600, &n))
            o->error_delay_s = (int)n;
        else if (g_ascii_strcasecmp(key, "TransInterval") == 0 && read_int(value, 0, 1440, &n))
            o->trans_interval_min = (int)n;
        else if (g_ascii_strcasecmp(key, "Realtime") == 0 && read_int(value, 0, 1, &n))
            o->realtime = n == 1;
        else if (g_ascii_strcasecmp(key, "TimeZone") == 0)
            o->has_timezone = adms_parse_timezone(value, &o->timezone_min) || o->has_timezone;
        /* ATTLOGStamp/Stamp, OPERLOGStamp/OpStamp: the server's idea of where this terminal is. Haazri
         * keeps its own acknowledged position, so a server that forgot (Stamp=0) gets no flood. */
    }
    return TRUE;
}

gboolean adms_reply_is_ok(const char *body, gsize len, gint64 *count)
{
    if (count)
        *count = -1;
    if (len < 2 || body[0] != 'O' || body[1] != 'K')
        return FALSE;
    gsize i = 2;
    while (i < len && (body[i] == ':' || body[i] == ' '))
        i++;
    gint64 n = 0;
    gboolean digits = FALSE;
    for (; i < len && g_ascii_isdigit(body[i]) && n < G_MAXINT32; i++, digits = TRUE)
        n = n * 10 + (body[i] - '0');
    if (digits && count)
        *count = n;
    return TRUE;
}

char *adms_reply_summary(const char *body, gsize len)
{
    GString *s = g_string_new(NULL);
    for (gsize i = 0; i < len && body[i] != '\n' && body[i] != '\r' && s->len < 120; i++)
        g_string_append_c(s, g_ascii_isprint(body[i]) ? body[i] : '?');
    if (s->len == 0)
        g_string_append(s, "(an empty body)");
    return g_string_free(s, FALSE);
}

void adms_command_free(AdmsCommand *c)
{
    if (!c)
        return;
    g_free(c->id);
    g_free(c->command);
    g_free(c);
}

GPtrArray *adms_parse_commands(const char *body, gsize len, guint *skipped, GError **error)
{
    *skipped = 0;
    if (too_big(len, error))
        return NULL;
    g_autoptr(GPtrArray) lines = split_lines(body, len, skipped);
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)adms_command_free);
    for (guint i = 0; i < lines->len; i++) {
        const char *line = g_ptr_array_index(lines, i);
        if (!*line || (i == 0 && strncmp(line, "OK", 2) == 0 && !strchr(line, ':')))
            continue;
        const char *colon = strncmp(line, "C:", 2) == 0 ? strchr(line + 2, ':') : NULL;
        gsize id_len = colon ? (gsize)(colon - line - 2) : 0;
        if (!colon || id_len == 0 || id_len > 32 || !g_utf8_validate(colon + 1, -1, NULL)) {
            (*skipped)++;
            continue;
        }
        gboolean clean = TRUE;
        for (const char *p = line + 2; p < colon; p++)
            clean = clean && g_ascii_isgraph(*p) && *p != '&';
        if (!clean) {
            (*skipped)++;
            continue;
        }
        AdmsCommand *c = g_new0(AdmsCommand, 1);
        c->id = g_strndup(line + 2, id_len);
        c->command = g_strdup(colon + 1);
        g_ptr_array_add(out, c);
    }
    return out;
}

char *adms_command_field(const char *command, const char *key)
{
    /* The fields start after the words: "DATA UPDATE USERINFO PIN=1\tName=..." */
    const char *eq = strchr(command, '=');
    if (!eq)
        return NULL;
    const char *start = eq;
    while (start > command && start[-1] != ' ' && start[-1] != '\t')
        start--;
    g_auto(GStrv) fields = g_strsplit(start, "\t", 64);
    gsize klen = strlen(key);
    for (char **f = fields; *f; f++) {
        const char *p = *f;
        while (*p == ' ')
            p++;
        if (g_ascii_strncasecmp(p, key, klen) == 0 && p[klen] == '=')
            return g_strstrip(g_strdup(p + klen + 1));
    }
    return NULL;
}

char *adms_local_time(const char *iso)
{
    /* The stored wall time is the office's local time with its offset: the first 19 characters are
     * exactly what the person saw on the screen. */
    if (!iso || strlen(iso) < 19 || iso[4] != '-' || iso[7] != '-' || iso[10] != 'T' || iso[13] != ':' ||
        iso[16] != ':')
        return NULL;
    for (int i = 0; i < 19; i++)
        if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && !g_ascii_isdigit(iso[i]))
            return NULL;
    char *out = g_strndup(iso, 19);
    out[10] = ' ';
    return out;
}

char *adms_format_attlog(const StoreAdmsPunch *p)
{
    g_autofree char *when = adms_local_time(p->wall_time);
    if (!when)
        return NULL;
    /* verify: 1 = fingerprint; the case-number path (typed at the kiosk, an officer standing by) goes
     * as 0, ZKTeco's "password" — typed, not a biometric match. */
    return g_strdup_printf("%s\t%s\t0\t%d\t0\t0\t0", p->pin, when, p->by_finger ? 1 : 0);
}

/* ZKTeco's OPLOG operation codes for what a Haazri officer does. */
static int op_code(const char *action)
{
    struct { const char *prefix; int code; } map[] = {
        {"probationer.add", 30},      /* enroll a new user */
        {"finger.enroll", 6},          {"finger.re-enroll", 6}, /* enroll a fingerprint */
        {"officer.finger", 6},         {"probationer.deactivate", 9}, /* delete a user */
        {"probationer.", 5},           {"officer.", 4},         /* change user data; enter the menu */
        {"device.", 5},                {"settings.", 5},        /* change a setting */
        {"checkins.export", 8},        /* download attendance records */
    };
    for (gsize i = 0; i < G_N_ELEMENTS(map); i++)
        if (g_str_has_prefix(action, map[i].prefix))
            return map[i].code;
    return 4;
}

/* A value that cannot break a TAB-separated line. */
static char *field(const char *v, gsize max)
{
    GString *s = g_string_new(NULL);
    for (const char *p = v ? v : ""; *p && s->len < max; p++)
        g_string_append_c(s, *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
    return g_string_free(s, FALSE);
}

char *adms_format_oplog(const StoreAuditRow *r)
{
    g_autofree char *when = adms_local_time(r->at);
    if (!when)
        return NULL;
    g_autofree char *subject = field(r->subject, 64);
    /* Admin is the operator's PIN at the server; Haazri's officers have none there: 0. */
    return g_strdup_printf("OPLOG %d\t0\t%s\t%s\t0\t0\t0", op_code(r->action), when, *subject ? subject : "0");
}

char *adms_format_user(const char *pin, const char *name)
{
    g_autofree char *n = field(name, 24 * 4);
    /* ZKTeco's order (some servers read by position): PIN, Name, Pri, Passwd, Card, Grp, TZ, Verify,
     * ViceCard. Pri=0: an ordinary user, never a device administrator. */
    return g_strdup_printf("USER PIN=%s\tName=%s\tPri=0\tPasswd=\tCard=\tGrp=1\tTZ=0000000100000000\tVerify=0"
                           "\tViceCard=",
                           pin, n);
}

char *adms_format_answer(const AdmsCommand *c, int code)
{
    g_autofree char *first = g_strndup(c->command, strcspn(c->command, " \t"));
    return g_strdup_printf("ID=%s&Return=%d&CMD=%s", c->id, code, first);
}
