/* haazri-receiver — the reference central server: receives check-ins from kiosks exactly once,
 * registers devices, publishes the roster, exports attendance for OMIS.
 *
 *   haazri-receiver serve [--db SPEC] [--listen ADDR:PORT] --cert PEM --key PEM
 *   haazri-receiver device add ID --office NAME     prints a one-time provisioning token
 *   haazri-receiver device revoke ID | device list
 *   haazri-receiver roster load FILE.json | roster show CASE
 *   haazri-receiver key rotate                      re-seals names, templates, photos, messages, answers
 *   haazri-receiver photo CASE FILE.jpg|FILE.png | photo CASE --remove
 *   haazri-receiver viewer add NAME (password on standard input) | viewer remove NAME | viewer list
 *   haazri-receiver export [--office NAME] [--date YYYY-MM-DD] [--format csv|json]
 *   haazri-receiver export --audit [--device ID] [--format csv|json]
 * SPEC is an SQLite file (default /var/lib/haazri-receiver/receiver.db, or $HAAZRI_RECEIVER_DB) or
 * a PostgreSQL connection string ("postgresql://..." or "host=... dbname=..."). Names, CNIC,
 * templates and photos in it are sealed with the centre's key, --store-key FILE (default: store.key
 * beside an SQLite file, /var/lib/haazri-receiver/store.key with PostgreSQL, or $HAAZRI_RECEIVER_KEY). */
#include <stdio.h>
#include <string.h>

#include "app/log.h"
#include "app/photo.h"
#include "app/version.h"
#include "receiver/receiver.h"
#include "receiver/web.h"
#include "sync/json-bounded.h"

static char *db_spec, *store_key;

static const GOptionEntry db_entries[] = {
    {"db", 0, 0, G_OPTION_ARG_STRING, &db_spec, "SQLite file or PostgreSQL connection string", "SPEC"},
    {"store-key", 0, 0, G_OPTION_ARG_FILENAME, &store_key, "the key names, templates and photos are sealed with "
     "(default: store.key beside an SQLite file; /var/lib/haazri-receiver/store.key with PostgreSQL)", "FILE"},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

static gboolean parse(const char *cmd, const char *summary, const GOptionEntry *extra, int *argc, char ***argv)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new(summary);
    g_option_context_add_main_entries(ctx, db_entries, NULL);
    if (extra)
        g_option_context_add_main_entries(ctx, extra, NULL);
    g_autofree char *prog = g_strdup_printf("haazri-receiver %s", cmd);
    g_set_prgname(prog);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, argc, argv, &error)) {
        fprintf(stderr, "haazri-receiver %s: %s (see --help)\n", cmd, error->message);
        return FALSE;
    }
    if (!db_spec)
        db_spec = g_strdup(g_getenv("HAAZRI_RECEIVER_DB") ? g_getenv("HAAZRI_RECEIVER_DB")
                                                          : "/var/lib/haazri-receiver/receiver.db");
    if (!store_key)
        store_key = rx_db_default_key_path(db_spec);
    return TRUE;
}

static RxDb *open_db(void)
{
    g_autoptr(GError) error = NULL;
    RxDb *db = rx_db_open(db_spec, store_key, &error);
    if (!db)
        fprintf(stderr, "haazri-receiver: %s\n", error->message);
    return db;
}

static int cmd_serve(int argc, char **argv)
{
    RxServeOptions o = {.listen = "127.0.0.1:8443", .max_body = 16u << 20, .threads = 8,
                        .max_connections = 10000, .max_per_address = 100, .idle_timeout_s = 20};
    char *listen = NULL, *cert = NULL, *key = NULL, *port_file = NULL, *faults = NULL;
    gboolean insecure = FALSE;
    gint64 skew = 0;
    int max_mb = 16, buffered_mb = 512;
    GOptionEntry entries[] = {
        {"listen", 0, 0, G_OPTION_ARG_STRING, &listen, "address and port (default 127.0.0.1:8443; port 0 = any)", "ADDR:PORT"},
        {"cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "server certificate chain (PEM)", "FILE"},
        {"key", 0, 0, G_OPTION_ARG_FILENAME, &key, "server private key (PEM)", "FILE"},
        {"insecure-http", 0, 0, G_OPTION_ARG_NONE, &insecure, "plain HTTP (demo on one machine only)", NULL},
        {"port-file", 0, 0, G_OPTION_ARG_FILENAME, &port_file, "write the port here once listening", "FILE"},
        {"max-body-mb", 0, 0, G_OPTION_ARG_INT, &max_mb, "largest request body accepted (default 16)", "MB"},
        {"threads", 0, 0, G_OPTION_ARG_INT, &o.threads, "worker threads and storage connections (default 8)", "N"},
        {"max-connections", 0, 0, G_OPTION_ARG_INT, &o.max_connections, "open connections in all (default 10000)", "N"},
        {"max-per-address", 0, 0, G_OPTION_ARG_INT, &o.max_per_address,
         "open connections from one IP address (default 100)", "N"},
        {"idle-timeout", 0, 0, G_OPTION_ARG_INT, &o.idle_timeout_s,
         "seconds a connection may send or read nothing before it is closed (default 20)", "S"},
        {"max-buffered-mb", 0, 0, G_OPTION_ARG_INT, &buffered_mb,
         "request bodies held in memory at once, all connections together (default 512)", "MB"},
        {"fault-plan", 0, 0, G_OPTION_ARG_STRING, &faults,
         "tests: faults for successive pushes, e.g. 500,503:2,slow:3000,cut,garbage,proxy400,ok", "LIST"},
        {"clock-skew", 0, 0, G_OPTION_ARG_INT64, &skew, "tests: seconds added to every Date header", "S"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("serve", "— receive check-ins from kiosks over HTTPS", entries, &argc, &argv))
        return 2;
    if (max_mb < 1 || max_mb > 1024 || o.threads < 1 || o.threads > 256 || buffered_mb < max_mb ||
        buffered_mb > 65536 || o.max_connections < 1 || o.max_connections > 1000000 || o.max_per_address < 1 ||
        o.idle_timeout_s < 1 || o.idle_timeout_s > 3600) {
        fprintf(stderr, "haazri-receiver serve: --max-body-mb must be 1-1024, --max-buffered-mb at least that (at most "
                        "65536), --threads 1-256, --max-connections and --max-per-address at least 1, "
                        "--idle-timeout 1-3600\n");
        return 2;
    }
    o.max_buffered = (gsize)buffered_mb << 20;
    o.db_spec = db_spec;
    o.store_key = store_key;
    if (listen)
        o.listen = listen;
    o.cert_file = cert;
    o.key_file = key;
    o.insecure_http = insecure;
    o.port_file = port_file;
    o.fault_plan = faults;
    o.clock_skew_s = skew;
    o.max_body = (gsize)max_mb << 20;
    int rc = rx_serve(&o);
    g_free(listen);
    g_free(cert);
    g_free(key);
    g_free(port_file);
    g_free(faults);
    return rc;
}

static int cmd_device(int argc, char **argv)
{
    char *office = NULL, *file = NULL, *url = NULL;
    int hours = 72;
    GOptionEntry entries[] = {
        {"office", 0, 0, G_OPTION_ARG_STRING, &office, "device add: the office the kiosk stands in", "NAME"},
        {"valid-hours", 0, 0, G_OPTION_ARG_INT, &hours, "device add: how long the token is valid (default 72)", "H"},
        {"provision-file", 0, 0, G_OPTION_ARG_FILENAME, &file,
         "device add: also write the token to FILE for a USB stick (haazri-ctl provision --file)", "FILE"},
        {"server-url", 0, 0, G_OPTION_ARG_STRING, &url, "device add: the address kiosks reach this server at "
         "(needed with --provision-file)", "URL"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("device", "add ID --office NAME | revoke ID | list — kiosks allowed to send", entries, &argc, &argv))
        return 2;
    g_autofree char *office_owned = office, *file_owned = file, *url_owned = url;
    if (file && (!url || !g_str_has_prefix(url, "https://"))) {
        fprintf(stderr, "haazri-receiver device add: --provision-file needs --server-url https://... (the address "
                        "the kiosk will reach this server at)\n");
        return 2;
    }
    const char *action = argc >= 2 ? argv[1] : "";
    gboolean needs_id = strcmp(action, "add") == 0 || strcmp(action, "revoke") == 0;
    if ((needs_id && argc != 3) || (!needs_id && (strcmp(action, "list") != 0 || argc != 2)) ||
        (strcmp(action, "add") == 0 && (!office || !*office)) || hours < 1 || hours > 24 * 365) {
        fprintf(stderr, "haazri-receiver device: expected: add ID --office NAME [--valid-hours H] | revoke ID | list\n");
        return 2;
    }
    g_autoptr(RxDb) db = open_db();
    if (!db)
        return 1;
    g_autoptr(GError) error = NULL;
    if (strcmp(action, "add") == 0) {
        g_autofree char *token = NULL;
        if (!rx_device_add(db, argv[2], office, (gint64)hours * 3600, &token, &error)) {
            fprintf(stderr, "haazri-receiver device add: %s\n", error->message);
            return 1;
        }
        if (file && !rx_device_write_provision_file(file, argv[2], office, url, token, (gint64)hours * 3600, &error)) {
            fprintf(stderr, "haazri-receiver device add: %s\n", error->message);
            return 1;
        }
        /* The token alone on stdout, for scripts; what to do with it on stderr. */
        printf("%s\n", token);
        if (file)
            fprintf(stderr, "on the kiosk: haazri-ctl provision --file %s (from the stick)\n", file);
        fprintf(stderr, "on the kiosk, within %d hours: haazri-ctl provision --server https://THIS-SERVER --token %s\n",
                hours, token);
        return 0;
    }
    if (strcmp(action, "revoke") == 0) {
        if (!rx_device_revoke(db, argv[2], &error)) {
            fprintf(stderr, "haazri-receiver device revoke: %s\n", error->message);
            return 1;
        }
        printf("device %s revoked: its requests are refused from now on\n", argv[2]);
        return 0;
    }
    g_autoptr(GPtrArray) rows = rx_device_list(db, &error);
    if (!rows) {
        fprintf(stderr, "haazri-receiver device list: %s\n", error->message);
        return 1;
    }
    printf("%-20s %-24s %-8s %-21s %s\n", "DEVICE", "OFFICE", "STATUS", "LAST SEEN", "CLOCK OFFSET");
    for (guint i = 0; i < rows->len; i++) {
        printf("%-20s %-24s %-8s %-21s %s\n", RX_CELL(rows, i, 0), RX_CELL(rows, i, 1), RX_CELL(rows, i, 2),
               RX_CELL(rows, i, 3) ? RX_CELL(rows, i, 3) : "never",
               RX_CELL(rows, i, 4) ? RX_CELL(rows, i, 4) : "-");
        /* A kiosk waiting for its database's owner to be put right records nothing: say so under it. */
        g_autofree char *unwritable = rx_device_unwritable(RX_CELL(rows, i, 5));
        if (unwritable)
            printf("    NOT SAVING CHECK-INS: %s\n", unwritable);
        /* Its scanner, as its own enrolled fingers measure it (numbers only). */
        g_autoptr(MatchReport) match = rx_device_match(RX_CELL(rows, i, 5));
        if (match) {
            g_autofree char *summary = rx_device_match_summary(match);
            printf("    scanner: %s\n", summary);
            if (match->warning)
                printf("    SCANNER WARNING: %s\n", match->warning);
        }
    }
    return 0;
}

/* One person as the centre holds them, unsealed, in the loading file's shape: the database itself
 * shows no name or template any more, so this is how an operator looks. */
static int roster_show(const char *case_number)
{
    g_autoptr(RxDb) db = open_db();
    if (!db)
        return 1;
    g_autoptr(GError) error = NULL;
    StoreRosterPerson *p = rx_roster_person(db, case_number, &error);
    if (!p) {
        fprintf(stderr, "haazri-receiver roster show: %s\n", error ? error->message : "no such case at the centre");
        return 1;
    }
    g_autoptr(StoreRoster) one = store_roster_new();
    g_ptr_array_add(one->people, p);
    g_autofree char *json = protocol_build_roster(one);
    printf("%s\n", json);
    return 0;
}

static int cmd_roster(int argc, char **argv)
{
    if (!parse("roster", "load FILE.json | show CASE — publish probationers, fingers, schedules and messages to "
               "the kiosks, or show one person as the centre holds them", NULL, &argc, &argv))
        return 2;
    if (argc == 3 && strcmp(argv[1], "show") == 0)
        return roster_show(argv[2]);
    if (argc != 3 || strcmp(argv[1], "load") != 0) {
        fprintf(stderr, "haazri-receiver roster: expected: load FILE.json (\"-\" reads standard input; "
                        "the format is in docs/sync.md) | show CASE\n");
        return 2;
    }
    g_autofree char *json = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    /* Bounded before anything is built: a roster file is outside input too (sync/json-bounded.h). */
    json = json_bounded_read_file(argv[2], &json_bounds_roster_file, &len, &error);
    if (!json) {
        fprintf(stderr, "haazri-receiver roster load: %s; nothing was loaded\n", error->message);
        return 1;
    }
    g_autoptr(StoreRoster) load = protocol_parse_roster(json, len, PROTOCOL_ROSTER_LOAD, &error);
    if (!load) {
        fprintf(stderr, "haazri-receiver roster load: %s: %s; nothing was loaded\n", argv[2], error->message);
        return 1;
    }
    g_autoptr(RxDb) db = open_db();
    if (!db)
        return 1;
    if (!rx_roster_load(db, load, &error)) {
        fprintf(stderr, "haazri-receiver roster load: %s; nothing was loaded\n", error->message);
        return 1;
    }
    guint fingers = 0;
    for (guint i = 0; i < load->people->len; i++) {
        StoreRosterPerson *p = g_ptr_array_index(load->people, i);
        fingers += p->fingers ? p->fingers->len : 0;
    }
    printf("loaded %u probationers (%u fingers) and %u messages; kiosks receive them at their next pull\n",
           load->people->len, fingers, load->messages->len);
    return 0;
}

static int cmd_photo(int argc, char **argv)
{
    gboolean remove = FALSE;
    GOptionEntry entries[] = {
        {"remove", 0, 0, G_OPTION_ARG_NONE, &remove, "remove the photo (the kiosks remove it too)", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("photo", "CASE FILE — a probationer's photo for the kiosks (JPEG or PNG, at most 200 KB and "
               "1024x1024 pixels)", entries, &argc, &argv))
        return 2;
    if (argc != (remove ? 2 : 3)) {
        fprintf(stderr, "haazri-receiver photo: give a case number and a JPEG or PNG file (or --remove)\n");
        return 2;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) photo = remove ? NULL : photo_load_file(argv[2], &error);
    if (!remove && !photo) {
        fprintf(stderr, "haazri-receiver photo: %s; nothing was changed\n", error->message);
        return 1;
    }
    g_autoptr(RxDb) db = open_db();
    if (!db)
        return 1;
    if (!rx_photo_set(db, argv[1], photo, &error)) {
        fprintf(stderr, "haazri-receiver photo: %s\n", error->message);
        return 1;
    }
    printf("%s: photo %s; kiosks receive it at their next pull\n", argv[1], photo ? "set" : "removed");
    return 0;
}

/* The centre's day page's accounts (web.h). The password comes on standard input, one line, so it
 * is never in a command line or the shell's history. */
static int cmd_viewer(int argc, char **argv)
{
    if (!parse("viewer", "add NAME | remove NAME | list — accounts for the centre's day page (add reads the "
               "password from standard input)", NULL, &argc, &argv))
        return 2;
    const char *action = argc >= 2 ? argv[1] : "";
    gboolean list = strcmp(action, "list") == 0 && argc == 2;
    if (!list && !((strcmp(action, "add") == 0 || strcmp(action, "remove") == 0) && argc == 3)) {
        fprintf(stderr, "haazri-receiver viewer: expected: add NAME | remove NAME | list\n");
        return 2;
    }
    g_autoptr(RxDb) db = open_db();
    if (!db)
        return 1;
    g_autoptr(GError) error = NULL;
    if (list) {
        g_autoptr(GPtrArray) rows = rx_viewer_list(db, &error);
        for (guint i = 0; rows && i < rows->len; i++)
            printf("%s\tadded %s\n", RX_CELL(rows, i, 0), RX_CELL(rows, i, 1));
        if (!rows)
            fprintf(stderr, "haazri-receiver viewer list: %s\n", error->message);
        return rows ? 0 : 1;
    }
    if (strcmp(action, "remove") == 0) {
        if (!rx_viewer_remove(db, argv[2], &error)) {
            fprintf(stderr, "haazri-receiver viewer remove: %s\n", error->message);
            return 1;
        }
        printf("viewer %s removed\n", argv[2]);
        return 0;
    }
    char line[300];
    if (!fgets(line, sizeof line, stdin)) {
        fprintf(stderr, "haazri-receiver viewer add: give the password on standard input (one line)\n");
        return 2;
    }
    line[strcspn(line, "\r\n")] = '\0';
    gboolean ok = rx_viewer_add(db, argv[2], line, &error);
    memset(line, 0, sizeof line);
    if (!ok) {
        fprintf(stderr, "haazri-receiver viewer add: %s\n", error->message);
        return 1;
    }
    printf("viewer %s can read the day page (https://.../day)\n", argv[2]);
    return 0;
}

static int cmd_export(int argc, char **argv)
{
    char *office = NULL, *date = NULL, *format = NULL, *device = NULL;
    gboolean audit = FALSE;
    GOptionEntry entries[] = {
        {"office", 0, 0, G_OPTION_ARG_STRING, &office, "only this office", "NAME"},
        {"date", 0, 0, G_OPTION_ARG_STRING, &date, "only this local date", "YYYY-MM-DD"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "csv (default) or json", "FORMAT"},
        {"audit", 0, 0, G_OPTION_ARG_NONE, &audit, "the kiosks' officer audit trails instead of attendance", NULL},
        {"device", 0, 0, G_OPTION_ARG_STRING, &device, "with --audit: only this kiosk", "ID"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("export", "— attendance for OMIS, by office and date (or --audit), to stdout", entries, &argc, &argv))
        return 2;
    g_autofree char *o = office, *d = date, *dev = device, *f = format ? format : g_strdup("csv");
    if (strcmp(f, "csv") != 0 && strcmp(f, "json") != 0) {
        fprintf(stderr, "haazri-receiver export: --format \"%s\" is not valid: expected csv or json\n", f);
        return 2;
    }
    if ((audit && (o || d)) || (!audit && dev)) {
        fprintf(stderr, "haazri-receiver export: --office and --date go with attendance, --device with --audit\n");
        return 2;
    }
    g_autoptr(RxDb) db = open_db();
    if (!db)
        return 1;
    g_autoptr(GError) error = NULL;
    if (!(audit ? rx_export_audit(db, dev, f, stdout, &error) : rx_export(db, o, d, f, stdout, &error))) {
        fprintf(stderr, "haazri-receiver export: %s\n", error->message);
        return 1;
    }
    return 0;
}

/* The centre's key: everything sealed re-sealed under a new one, in one transaction. */
static int cmd_key(int argc, char **argv)
{
    if (!parse("key", "rotate — re-seal names, CNIC, templates and photos under a new key (stop the server "
               "first: it holds the old key)", NULL, &argc, &argv))
        return 2;
    if (argc != 2 || strcmp(argv[1], "rotate") != 0) {
        fprintf(stderr, "haazri-receiver key: expected: rotate\n");
        return 2;
    }
    g_autoptr(RxDb) db = open_db();
    if (!db)
        return 1;
    g_autoptr(GError) error = NULL;
    guint values = 0;
    if (!rx_db_rotate_key(db, store_key, &values, &error)) {
        fprintf(stderr, "haazri-receiver key rotate: %s\n", error->message);
        return 1;
    }
    printf("%u values re-sealed under a new key in %s; back it up (apart from the database), then start the "
           "server again\n", values, store_key);
    return 0;
}

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} Command;

static const Command commands[] = {
    {"serve", cmd_serve, "receive check-ins and heartbeats from kiosks over HTTPS"},
    {"device", cmd_device, "add (prints a provisioning token), revoke or list kiosks"},
    {"roster", cmd_roster, "load probationers, fingers, schedules and messages for the kiosks"},
    {"photo", cmd_photo, "set (or --remove) a probationer's photo for the kiosks"},
    {"viewer", cmd_viewer, "accounts for the centre's day page: add NAME (password on stdin), remove, list"},
    {"export", cmd_export, "attendance by office and date (or the kiosks' audit trails) as CSV or JSON"},
    {"key", cmd_key, "rotate: re-seal names, templates and photos under a new key"},
};

int main(int argc, char **argv)
{
    log_use_utf8();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        FILE *out = argc < 2 ? stderr : stdout;
        fprintf(out, "Usage: haazri-receiver COMMAND [--db SPEC] [OPTIONS]\n\nCommands:\n");
        for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
            fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
        fprintf(out, "\nSPEC: an SQLite file (default /var/lib/haazri-receiver/receiver.db or $HAAZRI_RECEIVER_DB)\n"
                     "or a PostgreSQL connection string. 'haazri-receiver COMMAND --help' shows its options.\n");
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("haazri-receiver %s\n", HAAZRI_VERSION);
        return 0;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            int rc = commands[i].run(argc - 1, argv + 1);
            g_free(db_spec);
            g_free(store_key);
            return rc;
        }
    fprintf(stderr, "haazri-receiver: unknown command \"%s\" (see --help)\n", argv[1]);
    return 2;
}
