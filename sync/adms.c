/* adms — the ADMS push terminal's cycle. See adms.h; the protocol's text is in adms-proto.c.
 *
 * Slightly longer than the ~500 lines the style guide asks: one target's cycle (handshake, push,
 * command poll, backoff) reads as one loop; the protocol's text is already apart. */
#include "sync/adms.h"

#include <string.h>

#include "app/store/store-adms.h"
#include "app/store/store-sync.h"
#include "app/version.h"
#include "sync/adms-proto.h"
#include "sync/http.h"

/* sync_meta keys: this target's own acknowledged positions and what haazri-ctl shows. */
#define META_ATTLOG "adms.attlog_acked"
#define META_OPERLOG "adms.operlog_acked"

typedef enum { SENT_NONE, SENT_HANDSHAKE, SENT_ATTLOG, SENT_OPERLOG, SENT_POLL, SENT_ANSWER } Sent;

struct Adms {
    AdmsConfig config;
    char *base, *office;
    Store *store;
    Http *http;
    AdmsOptions options;
    AdmsStatus status;
    char *last_error;
    gboolean handshaken, busy, info_sent, failing;
    guint timer;
    gint64 next_poll_us;       /* monotonic */
    gint64 attlog_acked, operlog_acked;
    Sent sent;
    gint64 batch_last;         /* the last checkins / audit id in the POST in flight */
    guint batch_lines;
    GQueue answers;            /* char* answers to post to /iclock/devicecmd, oldest first */
    gint64 saved_us;
    AdmsDoneFunc once_done;
    gpointer once_data;
};

static void cycle(Adms *a);

const char *adms_state_name(AdmsState state)
{
    switch (state) {
    case ADMS_APPROVED: return "approved";
    case ADMS_WAITING_APPROVAL: return "waiting approval";
    case ADMS_DOWN: return "down";
    default: return "starting";
    }
}

/* ---- status ---- */

static gint64 meta_int(Store *store, const char *key)
{
    g_autofree char *v = store_get_meta(store, key);
    return v ? g_ascii_strtoll(v, NULL, 10) : 0;
}

static void publish(Adms *a, gboolean force)
{
    a->status.last_error = a->last_error;
    a->status.pending = a->config.attlog ? store_adms_count_punches(a->store, a->attlog_acked) : 0;
    a->status.operlog_pending = a->config.operlog ? store_audit_count_after(a->store, a->operlog_acked) : 0;
    gint64 now = g_get_monotonic_time();
    if (!force && now - a->saved_us < 60 * G_USEC_PER_SEC)
        return;
    /* For haazri-ctl sync status and the officer's Device view. */
    g_autofree char *contact = g_strdup_printf("%" G_GINT64_FORMAT, a->status.last_contact);
    g_autoptr(GError) error = NULL;
    if (!store_set_meta(a->store, &error, "adms.state", adms_state_name(a->status.state), "adms.server", a->base,
                        "adms.serial", a->config.serial, "adms.last_contact", contact, "adms.last_error",
                        a->last_error ? a->last_error : "", NULL))
        g_warning("adms: %s", error->message);
    a->saved_us = now;
}

static void set_state(Adms *a, AdmsState state, const char *error)
{
    gboolean changed = state != a->status.state || g_strcmp0(error, a->last_error) != 0;
    if (changed && error)
        g_message("adms: %s", error);
    else if (changed && state == ADMS_APPROVED)
        g_message("adms: %s answers; serial %s is approved", a->base, a->config.serial);
    a->status.state = state;
    g_free(a->last_error);
    a->last_error = g_strdup(error);
    publish(a, changed);
}

gboolean adms_read_status(Store *store, char **state_out, gint64 *pending, char **last_error)
{
    g_autofree char *state = store_get_meta(store, "adms.state");
    if (!state || !*state)
        return FALSE;
    *pending = store_adms_count_punches(store, meta_int(store, META_ATTLOG));
    *last_error = store_get_meta(store, "adms.last_error");
    *state_out = g_steal_pointer(&state);
    return TRUE;
}

/* ---- scheduling ---- */

static gboolean on_timer(gpointer data)
{
    Adms *a = data;
    a->timer = 0;
    cycle(a);
    return G_SOURCE_REMOVE;
}

static void schedule(Adms *a, gint64 delay_ms)
{
    if (a->timer)
        g_source_remove(a->timer);
    a->timer = g_timeout_add((guint)CLAMP(delay_ms, 0, G_MAXINT), on_timer, a);
}

static void finish_once(Adms *a, const char *failure)
{
    AdmsDoneFunc done = a->once_done;
    a->once_done = NULL;
    g_autoptr(GError) error = failure ? g_error_new_literal(ADMS_ERROR, 3, failure) : NULL;
    publish(a, TRUE);
    done(error, a->once_data);
}

/* Nothing acknowledged: everything stays, and the next try is after ErrorDelay. */
static void fail(Adms *a, AdmsState state, const char *why)
{
    a->failing = TRUE;
    a->handshaken = FALSE; /* start again as a terminal does: handshake, fresh options */
    set_state(a, state, why);
    if (a->once_done) {
        finish_once(a, why);
        return;
    }
    schedule(a, (gint64)a->options.error_delay_s * 1000);
}

/* What a reply that is not "OK" means: waiting approval (200 + ERROR) or down. */
static void fail_reply(Adms *a, const HttpReply *r, const char *what)
{
    gsize len = 0;
    const char *body = g_bytes_get_data(r->body, &len);
    g_autofree char *said = adms_reply_summary(body, len);
    if (!r->status) {
        g_autofree char *why = g_strdup_printf("could not reach the ADMS server %s (%s): %s; nothing is lost, "
                                               "trying again in %d s", a->base, what, r->error, a->options.error_delay_s);
        fail(a, ADMS_DOWN, why);
        return;
    }
    a->status.last_contact = r->local_time;
    if (r->status == 200 && len >= 5 && strncmp(body, "ERROR", 5) == 0) {
        g_autofree char *why = g_strdup_printf("the ADMS server refused serial %s (%s): %s — approve the device at "
                                               "the server; check-ins are kept until then", a->config.serial, what, said);
        fail(a, ADMS_WAITING_APPROVAL, why);
        return;
    }
    g_autofree char *why = g_strdup_printf("the ADMS server answered %ld to %s: %s; nothing is lost, trying again "
                                           "in %d s", r->status, what, said, a->options.error_delay_s);
    fail(a, ADMS_DOWN, why);
}

static void worked(Adms *a, const HttpReply *r)
{
    a->status.last_contact = r->local_time;
    a->failing = FALSE;
    set_state(a, ADMS_APPROVED, NULL);
}

/* ---- requests ---- */

static void on_reply(const HttpReply *r, gpointer data);

static void send(Adms *a, Sent what, const char *path_and_query, const char *body)
{
    g_autofree char *url = g_strdup_printf("%s%s%sSN=%s", a->base, path_and_query,
                                           strchr(path_and_query, '?') ? "&" : "?", a->config.serial);
    g_autoptr(GBytes) bytes = body ? g_bytes_new(body, strlen(body)) : NULL;
    a->busy = TRUE;
    a->sent = what;
    http_request(a->http, url, NULL, NULL, bytes, FALSE, on_reply, a);
}

static void handshake(Adms *a)
{
    send(a, SENT_HANDSHAKE, "/iclock/cdata?options=all&pushver=2.4.1&language=69", NULL);
}

static gboolean push_attlog(Adms *a)
{
    /* `haazri-ctl sync now` (another process) may have delivered some meanwhile: never send them again. */
    a->attlog_acked = MAX(a->attlog_acked, meta_int(a->store, META_ATTLOG));
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) punches = store_adms_punches(a->store, a->attlog_acked, (guint)a->config.batch_max, &error);
    if (!punches) {
        fail(a, a->status.state, error->message);
        return TRUE;
    }
    if (punches->len == 0)
        return FALSE;
    GString *body = g_string_new(NULL);
    guint lines = 0;
    for (guint i = 0; i < punches->len; i++) {
        StoreAdmsPunch *p = g_ptr_array_index(punches, i);
        g_autofree char *line = adms_format_attlog(p);
        if (line) {
            g_string_append_printf(body, "%s\n", line);
            lines++;
        } else {
            g_warning("adms: check-in %" G_GINT64_FORMAT " has an unreadable time and is not sent", p->id);
        }
    }
    a->batch_last = ((StoreAdmsPunch *)g_ptr_array_index(punches, punches->len - 1))->id;
    a->batch_lines = lines;
    g_autofree char *query = g_strdup_printf("/iclock/cdata?table=ATTLOG&Stamp=%" G_GINT64_FORMAT, a->batch_last);
    send(a, SENT_ATTLOG, query, body->str);
    g_string_free(body, TRUE);
    return TRUE;
}

/* Officer actions; setting a PIN here also sends the person (a USER line), so the server knows the
 * name that goes with the PIN. */
static gboolean push_operlog(Adms *a)
{
    a->operlog_acked = MAX(a->operlog_acked, meta_int(a->store, META_OPERLOG));
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = store_audit_after(a->store, a->operlog_acked, (guint)a->config.batch_max, &error);
    if (!rows) {
        fail(a, a->status.state, error->message);
        return TRUE;
    }
    if (rows->len == 0)
        return FALSE;
    GString *body = g_string_new(NULL);
    for (guint i = 0; i < rows->len; i++) {
        StoreAuditRow *r = g_ptr_array_index(rows, i);
        g_autofree char *line = adms_format_oplog(r);
        if (line)
            g_string_append_printf(body, "%s\n", line);
        StoreProbationer p = {0};
        if (g_strcmp0(r->action, "probationer.adms-pin") == 0 && r->subject &&
            store_find_probationer(a->store, r->subject, &p, NULL)) {
            g_autofree char *pin = store_get_adms_pin(a->store, r->subject);
            if (pin) {
                g_autofree char *user = adms_format_user(pin, p.name_en);
                g_string_append_printf(body, "%s\n", user);
            }
            store_probationer_clear(&p);
        }
    }
    a->batch_last = ((StoreAuditRow *)g_ptr_array_index(rows, rows->len - 1))->id;
    g_autofree char *query = g_strdup_printf("/iclock/cdata?table=OPERLOG&OpStamp=%" G_GINT64_FORMAT, a->batch_last);
    send(a, SENT_OPERLOG, query, body->str);
    g_string_free(body, TRUE);
    return TRUE;
}

static void poll_commands(Adms *a)
{
    if (a->info_sent) {
        send(a, SENT_POLL, "/iclock/getrequest", NULL);
        return;
    }
    /* The first poll says who we are, as terminals do: firmware, users, fingers, records. */
    gint64 people, fingers, checkins;
    store_adms_totals(a->store, &people, &fingers, &checkins);
    g_autofree char *info = g_strdup_printf("Haazri-%s,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                                            ",0.0.0.0,10,0,0,0,100",
                                            HAAZRI_VERSION, people, fingers, checkins);
    g_autofree char *escaped = g_uri_escape_string(info, ",.", FALSE);
    g_autofree char *query = g_strdup_printf("/iclock/getrequest?INFO=%s", escaped);
    send(a, SENT_POLL, query, NULL);
}

/* ---- commands ---- */

static int apply_userinfo(Adms *a, const char *command, gboolean update)
{
    g_autofree char *pin = adms_command_field(command, "PIN");
    g_autofree char *name = update ? adms_command_field(command, "Name") : NULL;
    StoreAdmsChange change;
    g_autoptr(GError) error = NULL;
    gboolean ok = update ? store_adms_update_user(a->store, pin, name, a->office, &change, &error)
                         : store_adms_delete_user(a->store, pin, &change, &error);
    if (!ok) {
        g_message("adms: %s: %s", update ? "DATA UPDATE USERINFO" : "DATA DELETE USERINFO", error->message);
        /* -1: a parameter error; -1001 would say "no such user", but -1 is what every server reads. */
        return -1;
    }
    if (change == STORE_ADMS_CREATED)
        g_message("adms: the server added PIN %s: enroll their fingers on the kiosk", pin);
    return 0;
}

/* Applies one command and returns the answer to post. */
static char *answer(Adms *a, const AdmsCommand *c)
{
    const char *cmd = c->command;
    int code = -1002; /* not supported: REBOOT, CLEAR LOG, DATA QUERY, fingerprint templates, ... */
    if (g_str_has_prefix(cmd, "DATA UPDATE USERINFO ") || g_str_has_prefix(cmd, "DATA DELETE USERINFO ")) {
        code = apply_userinfo(a, cmd, g_str_has_prefix(cmd, "DATA UPDATE"));
    } else if (strcmp(cmd, "CHECK") == 0) {
        code = 0;
        a->handshaken = FALSE; /* read the options again, as a terminal does */
    } else if (strcmp(cmd, "INFO") == 0) {
        gint64 people, fingers, checkins;
        store_adms_totals(a->store, &people, &fingers, &checkins);
        g_autofree char *head = adms_format_answer(c, 0);
        return g_strdup_printf("%s\n~DeviceName=Haazri\n~SerialNumber=%s\nFWVersion=Haazri-%s\nUserCount=%" G_GINT64_FORMAT
                               "\nFPCount=%" G_GINT64_FORMAT "\nTransactionCount=%" G_GINT64_FORMAT "\n",
                               head, a->config.serial, HAAZRI_VERSION, people, fingers, checkins);
    }
    return adms_format_answer(c, code);
}

static void take_commands(Adms *a, const char *body, gsize len)
{
    guint skipped = 0;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) commands = adms_parse_commands(body, len, &skipped, &error);
    if (!commands) {
        g_message("adms: %s", error->message);
        return;
    }
    if (skipped)
        g_message("adms: %u lines of the server's commands were not C:<id>:<command> (or too long) and were skipped",
                  skipped);
    for (guint i = 0; i < commands->len; i++)
        g_queue_push_tail(&a->answers, answer(a, g_ptr_array_index(commands, i)));
}

/* ---- replies ---- */

static void on_reply(const HttpReply *r, gpointer data)
{
    Adms *a = data;
    a->busy = FALSE;
    Sent sent = a->sent;
    a->sent = SENT_NONE;
    gsize len = 0;
    const char *body = g_bytes_get_data(r->body, &len);
    static const char *const what[] = {"", "the handshake", "check-ins (ATTLOG)", "officer actions (OPERLOG)",
                                       "the command poll", "a command's answer"};
    if (r->status != 200) {
        fail_reply(a, r, what[sent]);
        return;
    }
    g_autoptr(GError) error = NULL;
    gint64 count = -1;
    switch (sent) {
    case SENT_HANDSHAKE:
        if (!adms_parse_options(body, len, &a->options, &error)) {
            fail_reply(a, r, what[sent]);
            return;
        }
        a->handshaken = TRUE;
        if (a->options.has_timezone)
            g_debug("adms: the server's TimeZone is %+d min", a->options.timezone_min);
        break;
    case SENT_ATTLOG:
    case SENT_OPERLOG: {
        if (!adms_reply_is_ok(body, len, &count)) {
            fail_reply(a, r, what[sent]);
            return;
        }
        /* Acknowledged: move this target's position past the batch, never before. */
        if (sent == SENT_ATTLOG && count >= 0 && count < a->batch_lines)
            g_message("adms: the server stored %" G_GINT64_FORMAT " of %u check-ins sent (it drops lines it cannot "
                      "use); they are not sent again", count, a->batch_lines);
        g_autofree char *v = g_strdup_printf("%" G_GINT64_FORMAT, a->batch_last);
        if (!store_set_meta(a->store, &error, sent == SENT_ATTLOG ? META_ATTLOG : META_OPERLOG, v, NULL)) {
            fail(a, ADMS_APPROVED, error->message); /* sent again later: the server keeps both copies */
            return;
        }
        if (sent == SENT_ATTLOG)
            a->attlog_acked = a->batch_last;
        else
            a->operlog_acked = a->batch_last;
        break;
    }
    case SENT_POLL:
        if (len >= 5 && strncmp(body, "ERROR", 5) == 0) {
            fail_reply(a, r, what[sent]);
            return;
        }
        a->info_sent = TRUE;
        a->next_poll_us = g_get_monotonic_time() + (gint64)a->options.delay_s * G_USEC_PER_SEC;
        take_commands(a, body, len);
        break;
    case SENT_ANSWER:
        if (len >= 5 && strncmp(body, "ERROR", 5) == 0) {
            fail_reply(a, r, what[sent]); /* kept: answered again once the serial is approved */
            return;
        }
        /* Any other 200: the server has the answer. One that wants it again re-sends the command, and
         * applying a USERINFO command twice changes nothing. */
        g_free(g_queue_pop_head(&a->answers));
        break;
    case SENT_NONE:
        break;
    }
    worked(a, r);
    cycle(a);
}

/* ---- the cycle ---- */

static void cycle(Adms *a)
{
    if (a->busy)
        return;
    if (a->timer) {
        g_source_remove(a->timer);
        a->timer = 0;
    }
    if (!a->handshaken) {
        handshake(a);
        return;
    }
    if (!g_queue_is_empty(&a->answers)) {
        send(a, SENT_ANSWER, "/iclock/devicecmd", g_queue_peek_head(&a->answers));
        return;
    }
    if (a->config.attlog && push_attlog(a))
        return;
    if (a->config.operlog && push_operlog(a))
        return;
    gint64 now = g_get_monotonic_time();
    if (now >= a->next_poll_us) {
        poll_commands(a);
        return;
    }
    if (a->once_done) {
        finish_once(a, NULL);
        return;
    }
    publish(a, FALSE);
    schedule(a, (a->next_poll_us - now) / 1000 + 1);
}

/* ---- life cycle ---- */

Adms *adms_new(const AdmsConfig *c, Store *store, const char *office, GError **error)
{
    if (!c->server || !*c->server) {
        g_set_error(error, ADMS_ERROR, 4, "no ADMS server: set [adms] server in the configuration");
        return NULL;
    }
    Adms *a = g_new0(Adms, 1);
    a->config = *c;
    a->config.server = g_strdup(c->server);
    a->config.serial = g_strdup(c->serial);
    a->config.comm_key = g_strdup(c->comm_key);
    a->config.ca_file = g_strdup(c->ca_file);
    a->base = g_strdup(c->server);
    for (gsize n = strlen(a->base); n > 0 && a->base[n - 1] == '/'; n--)
        a->base[n - 1] = '\0';
    a->office = g_strdup(office);
    a->store = store;
    /* Plain http:// is what ADMS servers speak on an office network; https:// is always verified. */
    HttpOptions ho = {.ca_file = c->ca_file, .allow_insecure_http = TRUE, .timeout_ms = c->timeout_ms,
                      .connect_timeout_ms = MIN(c->timeout_ms, 15000), .max_reply = ADMS_MAX_REPLY,
                      .content_type = "text/plain"};
    a->http = http_new(&ho);
    adms_options_init(&a->options, c->delay_s, c->error_delay_s);
    g_queue_init(&a->answers);
    a->attlog_acked = meta_int(store, META_ATTLOG);
    a->operlog_acked = meta_int(store, META_OPERLOG);
    a->status.state = ADMS_STARTING;
    publish(a, TRUE);
    return a;
}

void adms_free(Adms *a)
{
    if (!a)
        return;
    if (a->timer)
        g_source_remove(a->timer);
    http_free(a->http);
    g_queue_clear_full(&a->answers, g_free);
    adms_config_clear(&a->config);
    g_free(a->base);
    g_free(a->office);
    g_free(a->last_error);
    g_free(a);
}

void adms_start(Adms *a)
{
    schedule(a, 0);
}

void adms_poke(Adms *a)
{
    /* While waiting out ErrorDelay the scheduled retry stands; with Realtime=0 the check-ins go at
     * the next poll. */
    if (!a->busy && !a->failing && a->options.realtime)
        schedule(a, 0);
}

void adms_run_once(Adms *a, AdmsDoneFunc done, gpointer data)
{
    a->once_done = done;
    a->once_data = data;
    a->next_poll_us = 0;
    if (!a->busy)
        schedule(a, 0);
}

const AdmsStatus *adms_get_status(Adms *a)
{
    return &a->status;
}
