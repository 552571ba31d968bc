/* sync — haazri-ctl's side of the central server: sync status|now|requeue, provision. */
#include "app/owner.h"
#include "ctl/ctl.h"
#include "app/clock.h"

#include <string.h>

#include "app/store/store-answers.h"
#include "app/store/store-roster.h"
#include "app/store/store-sync.h"
#include "sync/http.h"
#include "sync/adms.h"
#include "sync/json-bounded.h"
#include "sync/sync.h"

/* ---- sync ---- */

typedef struct {
    GMainLoop *loop;
    char *error;
} Wait;

static void on_once(const GError *error, gpointer data)
{
    Wait *w = data;
    w->error = error ? g_strdup(error->message) : NULL;
    g_main_loop_quit(w->loop);
}

static gboolean load_sync(const Config *config, SyncConfig *sc, SyncCredentials *creds)
{
    g_autoptr(GError) error = NULL;
    sync_config_init(sc);
    if (!sync_config_load(config->keyfile, config->path, sc, &error) ||
        !sync_credentials_load(config->data_dir, creds, &error)) {
        fprintf(stderr, "haazri-ctl sync: %s\n", error->message);
        return FALSE;
    }
    return TRUE;
}

/* One pass: push everything waiting, the audit trail, the fingers enrolled here, a heartbeat, pull
 * the roster. NULL on
 * success, else the failure (newly allocated). */
static char *run_once(Admin *a, const SyncConfig *sc, const SyncCredentials *creds)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Sync) sync = sync_new(sc, creds, a->store, &error);
    if (!sync)
        return g_strdup(error->message);
    Wait w = {.loop = g_main_loop_new(NULL, FALSE)};
    sync_run_once(sync, on_once, &w);
    g_main_loop_run(w.loop);
    g_main_loop_unref(w.loop);
    const SyncStatus *st = sync_get_status(sync);
    if (!w.error && st->roster_error)
        w.error = g_strdup(st->roster_error);
    return w.error;
}

/* The central server's pass; -1 when this kiosk has none and `quiet` (an ADMS-only kiosk). */
static int sync_now_central(Admin *a, gboolean quiet)
{
    g_auto(SyncConfig) sc;
    g_auto(SyncCredentials) creds = {0};
    if (quiet) {
        /* An ADMS-only kiosk (never provisioned) has no central server: nothing to say about it. */
        sync_config_init(&sc);
        if (sync_config_load(a->config->keyfile, a->config->path, &sc, NULL) && !*sc.server &&
            !sync_credentials_load(a->config->data_dir, &creds, NULL))
            return -1;
        sync_config_clear(&sc);
        sync_credentials_clear(&creds);
    }
    if (!load_sync(a->config, &sc, &creds))
        return 2;
    g_autoptr(GError) error = NULL;
    StoreOutboxCounts before, after;
    if (!store_outbox_count(a->store, &before, &error)) {
        fprintf(stderr, "haazri-ctl sync now: %s\n", error->message);
        return 1;
    }
    g_autofree char *failure = run_once(a, &sc, &creds);
    store_outbox_count(a->store, &after, NULL);
    printf("%" G_GINT64_FORMAT " check-ins sent; %" G_GINT64_FORMAT " waiting, %" G_GINT64_FORMAT " quarantined; "
           "roster at version %" G_GINT64_FORMAT "\n",
           MAX(0, before.pending - after.pending - (after.quarantined - before.quarantined)), after.pending,
           after.quarantined, store_get_roster_cursor(a->store));
    if (failure) {
        fprintf(stderr, "haazri-ctl sync now: %s\n", failure);
        return 1;
    }
    return 0;
}

/* The central server first (its roster may bring ADMS PINs), then the ADMS server when [adms] names
 * one; each says what it did in one line, and one failing does not stop the other. */
static int sync_now(Admin *a)
{
    g_auto(AdmsConfig) ac;
    adms_config_init(&ac);
    gboolean adms_on = adms_config_load(a->config->keyfile, a->config->path, a->config->device_id, &ac, NULL) &&
                       *ac.server;
    int central = sync_now_central(a, adms_on);
    if (central == 2 && !adms_on)
        return 2;
    int adms = ctl_adms_sync_now(a);
    if (central > 0 || adms > 0)
        return central == 2 && adms < 0 ? 2 : 1;
    return 0;
}

static int sync_status(Admin *a)
{
    g_autoptr(GError) error = NULL;
    StoreOutboxCounts counts;
    if (!store_outbox_count(a->store, &counts, &error)) {
        fprintf(stderr, "haazri-ctl sync status: %s\n", error->message);
        return 1;
    }
    g_autofree char *contact = store_get_meta(a->store, "last_contact");
    g_autofree char *offset = store_get_meta(a->store, "clock_offset_s");
    g_autofree char *online = store_get_meta(a->store, "online");
    g_autofree char *last_error = store_get_meta(a->store, "last_error");
    g_autofree char *roster_error = store_get_meta(a->store, "roster_error");
    g_autofree char *audit_refused = store_get_meta(a->store, "audit_refused");
    g_autofree char *enroll_refused = store_get_meta(a->store, "enrollments_refused");
    gint64 enroll_waiting = store_enrollments_count_unsent(a->store);
    g_autofree char *answers_refused = store_get_meta(a->store, "answers_refused");
    gint64 answers_waiting = store_answers_count_unsent(a->store);
    gint64 roster = store_get_roster_cursor(a->store), audit_waiting = store_audit_count_unsent(a->store);
    gint64 when = contact ? g_ascii_strtoll(contact, NULL, 10) : 0;
    g_autoptr(GDateTime) t = when ? clock_from_unix(when) : NULL;
    g_autofree char *when_text = t ? g_date_time_format(t, "%Y-%m-%d %H:%M:%S") : g_strdup("never");
    g_autoptr(GPtrArray) quarantined = store_outbox_list_quarantined(a->store, 20, &error);
    if (ctl_as_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "online");
        json_builder_add_boolean_value(b, g_strcmp0(online, "yes") == 0);
        add_int(b, "queue_length", counts.pending);
        add_string(b, "oldest_unsent", *counts.oldest_pending ? counts.oldest_pending : NULL);
        add_int(b, "quarantined", counts.quarantined);
        add_int(b, "last_contact", when);
        add_int(b, "clock_offset_s", offset ? g_ascii_strtoll(offset, NULL, 10) : 0);
        add_string(b, "last_error", last_error && *last_error ? last_error : NULL);
        add_int(b, "roster_version", roster);
        add_string(b, "roster_error", roster_error && *roster_error ? roster_error : NULL);
        add_int(b, "audit_rows_waiting", audit_waiting);
        add_string(b, "audit_refused", audit_refused && *audit_refused ? audit_refused : NULL);
        add_int(b, "enrollments_waiting", enroll_waiting);
        add_string(b, "enrollments_refused", enroll_refused && *enroll_refused ? enroll_refused : NULL);
        add_int(b, "answers_waiting", answers_waiting);
        add_string(b, "answers_refused", answers_refused && *answers_refused ? answers_refused : NULL);
        json_builder_set_member_name(b, "quarantine");
        json_builder_begin_array(b);
        for (guint i = 0; quarantined && i < quarantined->len; i++) {
            g_auto(GStrv) f = g_strsplit(g_ptr_array_index(quarantined, i), "\t", 3);
            json_builder_begin_object(b);
            add_string(b, "uuid", f[0]);
            add_string(b, "wall_time", f[1]);
            add_string(b, "reason", f[2]);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        ctl_adms_status(a, b);
        json_builder_end_object(b);
        print_json(b);
        return 0;
    }
    printf("central server: %s (last contact %s)\n", g_strcmp0(online, "yes") == 0 ? "online" : "OFFLINE", when_text);
    printf("queue:          %" G_GINT64_FORMAT " check-ins waiting%s%s\n", counts.pending,
           *counts.oldest_pending ? ", oldest " : "", counts.oldest_pending);
    printf("clock offset:   %s s (server minus kiosk)\n", offset ? offset : "unknown");
    if (last_error && *last_error)
        printf("last problem:   %s\n", last_error);
    printf("roster:         version %" G_GINT64_FORMAT "%s\n", roster, roster ? "" : " (never pulled)");
    if (roster_error && *roster_error)
        printf("roster problem: %s\n", roster_error);
    printf("audit trail:    %" G_GINT64_FORMAT " rows waiting to be sent\n", audit_waiting);
    if (audit_refused && *audit_refused)
        printf("audit refused:  %s\n", audit_refused);
    printf("enrollments:    %" G_GINT64_FORMAT " fingers and (de)activations made here waiting to be sent\n",
           enroll_waiting);
    if (enroll_refused && *enroll_refused)
        printf("enrollments refused: %s\n", enroll_refused);
    printf("answers:        %" G_GINT64_FORMAT " questionnaire answers waiting to be sent\n", answers_waiting);
    if (answers_refused && *answers_refused)
        printf("answers refused: %s\n", answers_refused);
    printf("quarantined:    %" G_GINT64_FORMAT " (refused by the server; see below, then: haazri-ctl sync requeue)\n",
           counts.quarantined);
    for (guint i = 0; quarantined && i < quarantined->len; i++) {
        g_auto(GStrv) f = g_strsplit(g_ptr_array_index(quarantined, i), "\t", 3);
        printf("  %s  %s  %s\n", f[0], f[1], f[2] ? f[2] : "");
    }
    ctl_adms_status(a, NULL);
    return 0;
}

int cmd_sync(int argc, char **argv)
{
    if (!parse("sync", "status|now|requeue",
               "the central server (and the ADMS server, when [adms] names one): status (queue, last "
               "contact, quarantine), now (send everything waiting, then a heartbeat; deliver the ADMS "
               "backlog), requeue (send quarantined check-ins again)",
               NULL, TRUE, &argc, &argv))
        return 2;
    const char *action = argc == 2 ? argv[1] : "";
    if (strcmp(action, "status") != 0 && strcmp(action, "now") != 0 && strcmp(action, "requeue") != 0) {
        fprintf(stderr, "haazri-ctl sync: the actions are: status, now, requeue\n");
        return 2;
    }
    g_auto(Admin) a = {0};
    int rc = open_admin(&a);
    if (rc)
        return rc;
    if (strcmp(action, "status") == 0)
        return sync_status(&a);
    if (strcmp(action, "now") == 0)
        return sync_now(&a);
    gint64 n = 0;
    g_autoptr(GError) error = NULL;
    if (!store_outbox_requeue(a.store, &n, &error) ||
        !store_audit(a.store, actor(), "sync requeue", NULL, NULL, &error)) {
        fprintf(stderr, "haazri-ctl sync requeue: %s\n", error->message);
        return 1;
    }
    printf("%" G_GINT64_FORMAT " quarantined check-ins are back in the queue\n", n);
    return 0;
}

/* ---- provision ---- */

typedef struct {
    GMainLoop *loop;
    long status;
    char *body;
    char *error;
} Reply;

static void on_reply(const HttpReply *r, gpointer data)
{
    Reply *out = data;
    out->status = r->status;
    gsize len = 0;
    const char *body = g_bytes_get_data(r->body, &len);
    out->body = g_strndup(body, len);
    out->error = g_strdup(r->error);
    g_main_loop_quit(out->loop);
}

/* The centre's provisioning file: it must be for this kiosk. */
static gboolean read_provision_file(const char *path, const Config *config, char **server, char **token)
{
    g_autoptr(GError) error = NULL;
    gsize len = 0;
    g_autofree char *text = json_bounded_read_file(path, &json_bounds_small, &len, &error);
    g_autofree char *id = NULL;
    if (!text || !protocol_parse_provision(text, len, &id, server, token, &error)) {
        fprintf(stderr, "haazri-ctl provision: %s is not a provisioning file (%s; haazri-receiver device add "
                        "--provision-file writes one)\n", path, error->message);
        return FALSE;
    }
    if (strcmp(id, config->device_id) != 0) {
        fprintf(stderr, "haazri-ctl provision: %s is for kiosk \"%s\", but this kiosk is \"%s\" ([kiosk] device_id "
                        "in %s)\n", path, id, config->device_id, config->path);
        g_clear_pointer(server, g_free);
        g_clear_pointer(token, g_free);
        return FALSE;
    }
    return TRUE;
}

int cmd_provision(int argc, char **argv)
{
    g_autofree char *server = NULL, *token = NULL, *file = NULL;
    GOptionEntry entries[] = {
        {"server", 0, 0, G_OPTION_ARG_STRING, &server, "the central server's address (https://...)", "URL"},
        {"token", 0, 0, G_OPTION_ARG_STRING, &token, "the one-time token from haazri-receiver device add", "TOKEN"},
        {"file", 0, 0, G_OPTION_ARG_FILENAME, &file,
         "both from a file (haazri-receiver device add --provision-file), e.g. on a USB stick", "FILE"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("provision", "--server URL --token TOKEN | --file FILE",
               "register this kiosk with the central server, store its credentials, pull the roster", entries, FALSE,
               &argc, &argv))
        return 2;
    if (argc != 1 || (file && (server || token)) || (!file && (!server || !token))) {
        fprintf(stderr, "haazri-ctl provision: give --server URL and --token TOKEN, or --file FILE\n");
        return 2;
    }
    g_auto(Admin) a = {0};
    int rc = open_admin(&a);
    if (rc)
        return rc;
    if (file && !read_provision_file(file, a.config, &server, &token))
        return 1;
    g_auto(SyncConfig) sc;
    sync_config_init(&sc);
    g_autoptr(GError) error = NULL;
    if (!sync_config_load(a.config->keyfile, a.config->path, &sc, &error)) {
        fprintf(stderr, "haazri-ctl provision: %s\n", error->message);
        return 2;
    }
    if (!g_str_has_prefix(server, "https://") && !(sc.allow_insecure_http && g_str_has_prefix(server, "http://"))) {
        fprintf(stderr, "haazri-ctl provision: --server %s is not an https:// address (plain http:// only with "
                        "[sync] allow_insecure_http = true)\n", server);
        return 2;
    }
    for (gsize n = strlen(server); n > 0 && server[n - 1] == '/'; n--)
        server[n - 1] = '\0';
    HttpOptions ho = {.ca_file = sc.ca_file, .client_cert = sc.client_cert, .client_key = sc.client_key,
                      .allow_insecure_http = sc.allow_insecure_http, .timeout_ms = sc.timeout_ms};
    g_autoptr(Http) http = http_new(&ho);
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    add_string(b, "device_id", a.config->device_id);
    add_string(b, "token", token);
    json_builder_end_object(b);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    g_autofree char *json = json_generator_to_data(gen, NULL);
    g_autoptr(GBytes) body = g_bytes_new(json, strlen(json));
    g_autofree char *url = g_strconcat(server, "/v1/provision", NULL);
    Reply r = {.loop = g_main_loop_new(NULL, FALSE)};
    http_request(http, url, NULL, NULL, body, FALSE, on_reply, &r);
    g_main_loop_run(r.loop);
    g_main_loop_unref(r.loop);
    g_autofree char *rbody = r.body, *rerror = r.error;
    if (r.status != 200) {
        g_autofree char *why = r.status ? protocol_parse_error(rbody, strlen(rbody)) : NULL;
        fprintf(stderr, "haazri-ctl provision: %s%s%s\n",
                r.status ? "the server refused: " : "could not reach the server: ",
                r.status ? (why ? why : "no reason given") : rerror, "");
        return 1;
    }
    g_autoptr(JsonParser) p = json_parser_new();
    JsonNode *n = json_bounded_load(p, rbody, strlen(rbody), &json_bounds_small, NULL) ? json_parser_get_root(p) : NULL;
    JsonObject *o = n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
    const char *secret = o ? json_object_get_string_member_with_default(o, "secret", NULL) : NULL;
    if (!secret || !*secret) {
        fprintf(stderr, "haazri-ctl provision: the server's reply has no secret\n");
        return 1;
    }
    SyncCredentials creds = {.device_id = a.config->device_id, .secret = (char *)secret, .server = server};
    g_autofree char *marker = g_build_filename(a.config->data_dir, "provisioned", NULL);
    if (!sync_credentials_save(a.config->data_dir, &creds, &error) ||
        !store_audit(a.store, actor(), "provision", server, NULL, &error) ||
        !g_file_set_contents_full(marker, server, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error) ||
        !owner_adopt(marker, &error)) {
        fprintf(stderr, "haazri-ctl provision: %s\n", error->message);
        return 1;
    }
    printf("this kiosk (%s) is registered with %s; its credentials are in %s/sync.key\n", a.config->device_id,
           server, a.config->data_dir);
    /* The office's people come down now, so the kiosk knows them from its first start. */
    g_autofree char *failure = run_once(&a, &sc, &creds);
    g_autoptr(GPtrArray) people = store_list_probationers(a.store, NULL);
    if (failure)
        fprintf(stderr, "haazri-ctl provision: registered, but the first sync did not finish (%s); the kiosk "
                        "tries again by itself\n", failure);
    else
        printf("roster: %u probationers on this kiosk (version %" G_GINT64_FORMAT " of the centre's roster)\n",
               people ? people->len : 0, store_get_roster_cursor(a.store));
    return 0;
}
