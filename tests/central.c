/* central — a real receiver, certificates and PostgreSQL for tests. See central.h. */
#include "tests/central.h"

#include <arpa/inet.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "app/store/store.h"

#include "tests/helpers.h"

static char *build_path(const char *program)
{
    const char *b = g_getenv("HAAZRI_BUILD");
    return g_build_filename(b ? b : "build", program, NULL);
}

/* Runs argv, asserts exit 0 unless `may_fail`, returns stdout. */
static char *run(char **argv, gboolean may_fail, int *status_out)
{
    g_autofree char *out = NULL, *err = NULL;
    int status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error));
    if (!may_fail && !g_spawn_check_wait_status(status, NULL))
        g_error("%s failed: %s%s", argv[0], out, err);
    if (status_out)
        *status_out = status;
    return g_strdup(g_strstrip(out));
}

static char *openssl(const char *dir, const char *args)
{
    g_autofree char *cmd = g_strdup_printf("cd '%s' && openssl %s 2>&1", dir, args);
    char *argv[] = {"sh", "-c", cmd, NULL};
    return run(argv, FALSE, NULL);
}

static void make_ca(const char *dir, const char *name)
{
    g_autofree char *args = g_strdup_printf("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout %s.key "
                                            "-out %s.pem -days 2 -subj /CN=%s", name, name, name);
    g_free(openssl(dir, args));
}

const TuTls *tu_tls(void)
{
    static TuTls tls;
    if (tls.ca)
        return &tls;
    const char *dir = tu_tmpdir();
    make_ca(dir, "test-ca");
    make_ca(dir, "wrong-ca");
    g_free(openssl(dir, "req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr "
                        "-subj /CN=127.0.0.1"));
    g_autofree char *ext = g_build_filename(dir, "ext.cnf", NULL);
    g_assert_true(g_file_set_contents(ext, "subjectAltName=IP:127.0.0.1\n", -1, NULL));
    g_free(openssl(dir, "x509 -req -in server.csr -CA test-ca.pem -CAkey test-ca.key -CAcreateserial "
                        "-out server.pem -days 2 -extfile ext.cnf"));
    tls.ca = g_build_filename(dir, "test-ca.pem", NULL);
    tls.wrong_ca = g_build_filename(dir, "wrong-ca.pem", NULL);
    tls.cert = g_build_filename(dir, "server.pem", NULL);
    tls.key = g_build_filename(dir, "server.key", NULL);
    return &tls;
}

static TuReceiver *start(const char *spec, int port, const char *fault_plan, gint64 skew, const char *extra);

/* A test that aborts takes its receiver with it. */
static void die_with_parent(gpointer data)
{
    (void)data;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

TuReceiver *tu_receiver_start(const char *spec, int port, const char *fault_plan, gint64 skew)
{
    return start(spec, port, fault_plan, skew, "");
}

TuReceiver *tu_receiver_start_with(const char *spec, const char *extra)
{
    return start(spec, 0, NULL, 0, extra);
}

static TuReceiver *start(const char *spec, int port, const char *fault_plan, gint64 skew, const char *extra)
{
    static int n;
    const TuTls *tls = tu_tls();
    TuReceiver *r = g_new0(TuReceiver, 1);
    g_autofree char *port_file = g_strdup_printf("%s/receiver-%d.port", tu_tmpdir(), ++n);
    r->log = g_strdup_printf("%s/receiver-%d.log", tu_tmpdir(), n);
    g_autofree char *exe = build_path("haazri-receiver");
    g_autofree char *listen = g_strdup_printf("127.0.0.1:%d", port);
    g_autofree char *skew_s = g_strdup_printf("%" G_GINT64_FORMAT, skew);
    g_autofree char *cmd = g_strdup_printf("exec '%s' serve --db \"$1\" --listen %s --cert '%s' --key '%s' "
                                           "--port-file '%s' --clock-skew %s %s %s%s%s > '%s' 2>&1",
                                           exe, listen, tls->cert, tls->key, port_file, skew_s, extra,
                                           fault_plan ? "--fault-plan '" : "", fault_plan ? fault_plan : "",
                                           fault_plan ? "'" : "", r->log);
    char *argv[] = {"sh", "-c", cmd, "sh", (char *)spec, NULL};
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH, die_with_parent, NULL,
                                &r->pid, &error));
    g_autofree char *text = NULL;
    for (int i = 0; i < 600 && !g_file_get_contents(port_file, &text, NULL, NULL); i++)
        g_usleep(20000);
    if (!text) {
        g_autofree char *log = NULL;
        g_file_get_contents(r->log, &log, NULL, NULL);
        g_error("the receiver did not start: %s", log);
    }
    r->port = atoi(text);
    r->url = g_strdup_printf("https://127.0.0.1:%d", r->port);
    return r;
}

void tu_receiver_kill(TuReceiver *r)
{
    if (!r)
        return;
    kill(r->pid, SIGKILL);
    waitpid(r->pid, NULL, 0);
    g_spawn_close_pid(r->pid);
    g_free(r->url);
    g_free(r->log);
    g_free(r);
}

guint tu_receiver_log_count(TuReceiver *r, const char *text)
{
    g_autofree char *log = NULL;
    guint n = 0;
    if (g_file_get_contents(r->log, &log, NULL, NULL))
        for (const char *p = log; (p = strstr(p, text)); p++)
            n++;
    return n;
}

char *tu_receiver_run(const char *spec, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(argv, build_path("haazri-receiver"));
    va_list ap;
    va_start(ap, spec);
    for (const char *a; (a = va_arg(ap, const char *));)
        g_ptr_array_add(argv, g_strdup(a));
    va_end(ap);
    g_ptr_array_add(argv, g_strdup("--db"));
    g_ptr_array_add(argv, g_strdup(spec));
    g_ptr_array_add(argv, NULL);
    return run((char **)argv->pdata, FALSE, NULL);
}

char *tu_receiver_add_device(const char *spec, const char *device, const char *office)
{
    return tu_receiver_run(spec, "device", "add", device, "--office", office, NULL);
}

char *tu_central_query(const char *spec, const char *sql)
{
    if (g_str_has_prefix(spec, "host=")) {
        char *argv[] = {"psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", (char *)spec, "-c", (char *)sql, NULL};
        return run(argv, FALSE, NULL);
    }
    char *argv[] = {"sqlite3", "-readonly", (char *)spec, (char *)sql, NULL};
    return run(argv, FALSE, NULL);
}

/* The centre's key for every receiver this process starts (receiver/db.h: with PostgreSQL the
 * default is /var/lib/haazri-receiver's). Set before main, while the process has one thread. */
static char *centre_key;

static void remove_centre_key(void)
{
    g_autofree char *next = g_strconcat(centre_key, ".new", NULL);
    unlink(centre_key);
    unlink(next);
}

__attribute__((constructor)) static void set_centre_key(void)
{
    if (g_getenv("HAAZRI_RECEIVER_KEY"))
        return;
    centre_key = g_strdup_printf("%s/haazri-centre-%d.key", g_get_tmp_dir(), (int)getpid());
    g_setenv("HAAZRI_RECEIVER_KEY", centre_key, TRUE);
    atexit(remove_centre_key);
}

char *tu_central_person(const char *spec, const char *case_number, const char *member)
{
    g_autofree char *json = tu_receiver_run(spec, "roster", "show", case_number, NULL);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, json, -1, NULL));
    JsonObject *page = json_node_get_object(json_parser_get_root(parser));
    JsonObject *person = json_array_get_object_element(json_object_get_array_member(page, "probationers"), 0);
    if (!g_str_has_prefix(member, "finger:")) {
        JsonNode *n = json_object_get_member(person, member);
        return n && !JSON_NODE_HOLDS_NULL(n) ? g_strdup(json_node_get_string(n)) : NULL;
    }
    JsonArray *fingers = json_object_get_array_member(person, "fingers");
    for (guint i = 0; i < json_array_get_length(fingers); i++) {
        JsonObject *f = json_array_get_object_element(fingers, i);
        if (g_strcmp0(json_object_get_string_member(f, "finger"), member + strlen("finger:")) == 0)
            return g_strdup(json_object_get_string_member(f, "template"));
    }
    return NULL;
}

/* ---- PostgreSQL ---- */

static char *pg_dir, *pg_bin, *pg_user, *pg_conninfo;

static void pg_stop(void)
{
    g_autofree char *ctl = g_build_filename(pg_bin, "pg_ctl", NULL);
    g_autofree char *data = g_build_filename(pg_dir, "data", NULL);
    g_autofree char *cmd = g_strdup_printf("%s%s%s'%s' -D '%s' -m immediate -w stop",
                                           pg_user ? "runuser -u " : "", pg_user ? pg_user : "", pg_user ? " -- " : "",
                                           ctl, data);
    char *argv[] = {"sh", "-c", cmd, NULL};
    g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                 NULL, NULL, NULL, NULL, NULL);
    g_autofree char *rm = g_strdup_printf("rm -rf '%s'", pg_dir);
    g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL);
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    g_assert_cmpint(bind(fd, (struct sockaddr *)&a, sizeof a), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&a, &len), ==, 0);
    close(fd);
    return ntohs(a.sin_port);
}

const char *tu_postgres(char **why)
{
    static gboolean tried;
    static char *failure;
    if (tried) {
        if (!pg_conninfo && why)
            *why = g_strdup(failure);
        return pg_conninfo;
    }
    tried = TRUE;
    /* Debian keeps initdb and pg_ctl out of PATH. */
    g_autofree char *bindir = NULL;
    g_spawn_command_line_sync("pg_config --bindir", &bindir, NULL, NULL, NULL);
    g_autofree char *initdb = bindir ? g_build_filename(g_strstrip(bindir), "initdb", NULL) : NULL;
    if (!initdb || !g_file_test(initdb, G_FILE_TEST_IS_EXECUTABLE)) {
        g_autofree char *found = NULL;
        g_spawn_command_line_sync("sh -c 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'", &found, NULL, NULL,
                                  NULL);
        g_free(bindir);
        bindir = found ? g_strdup(g_strstrip(found)) : NULL;
        g_free(initdb);
        initdb = bindir ? g_build_filename(bindir, "initdb", NULL) : NULL;
    }
    if (!initdb || !g_file_test(initdb, G_FILE_TEST_IS_EXECUTABLE)) {
        failure = g_strdup("PostgreSQL's initdb is not installed (scripts/deps.sh installs postgresql)");
        return tu_postgres(why);
    }
    pg_bin = g_strdup(bindir);
    /* initdb refuses root: the cluster runs as nobody, in a folder nobody owns. */
    if (geteuid() == 0)
        pg_user = g_strdup("nobody");
    pg_dir = g_dir_make_tmp("haazri-pg-XXXXXX", NULL);
    g_assert_nonnull(pg_dir);
    atexit(pg_stop);
    int port = free_port();
    const char *as = pg_user ? "runuser -u nobody --" : "";
    g_autofree char *cmd = g_strdup_printf(
        "set -e; chmod 755 '%s'; %s cd /; "
        "%s '%s/initdb' -D '%s/data' -A trust -U haazri > '%s/initdb.log' 2>&1; "
        "%s '%s/pg_ctl' -D '%s/data' -l '%s/server.log' -w -o \"-h 127.0.0.1 -p %d -k '%s' -F\" start > /dev/null",
        pg_dir, pg_user ? "chown nobody \"$0\";" : "", as, bindir, pg_dir, pg_dir, as, bindir, pg_dir, pg_dir, port,
        pg_dir);
    char *argv[] = {"sh", "-c", cmd, pg_dir, NULL};
    int status = 0;
    g_autofree char *out = run(argv, TRUE, &status);
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_autofree char *log = NULL;
        g_autofree char *log_path = g_build_filename(pg_dir, "initdb.log", NULL);
        g_file_get_contents(log_path, &log, NULL, NULL);
        failure = g_strdup_printf("could not start a PostgreSQL cluster: %s %s", out, log ? log : "");
        return tu_postgres(why);
    }
    pg_conninfo = g_strdup_printf("host=127.0.0.1 port=%d user=haazri dbname=postgres", port);
    return pg_conninfo;
}

char *tu_postgres_dump(const char *conninfo)
{
    g_assert_nonnull(pg_bin);
    g_autofree char *exe = g_build_filename(pg_bin, "pg_dump", NULL);
    char *argv[] = {exe, "-d", (char *)conninfo, NULL};
    return run(argv, FALSE, NULL);
}

const char *tu_postgres_data_dir(void)
{
    static char *data;
    g_assert_nonnull(pg_dir);
    if (!data)
        data = g_build_filename(pg_dir, "data", NULL);
    return data;
}

char *tu_postgres_new_db(const char *name)
{
    g_assert_nonnull(pg_conninfo);
    g_autofree char *sql = g_strdup_printf("CREATE DATABASE %s", name);
    g_free(tu_central_query(pg_conninfo, sql));
    char *info = g_strdup(pg_conninfo);
    char *db = strstr(info, "dbname=postgres");
    *db = '\0';
    char *out = g_strdup_printf("%sdbname=%s", info, name);
    g_free(info);
    return out;
}

/* Edits audit row `id` behind the triggers' back and recomputes the chain from there, as a
 * careful tamperer would; sync forgets what it sent, so the whole trail goes again. */
void tu_rechain_audit(const char *path, gint64 id, const char *detail)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "DROP TRIGGER audit_append_only_u; "
                                     "UPDATE sync_meta SET value = '0' WHERE key = 'audit_sent_id'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_stmt *rd = NULL, *wr = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT id, at, actor, action, subject, detail, prev_hash FROM audit "
                                           "WHERE id >= ? ORDER BY id", -1, &rd, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, "UPDATE audit SET detail = ?, prev_hash = ?, hash = ? WHERE id = ?", -1,
                                       &wr, NULL), ==, SQLITE_OK);
    sqlite3_bind_int64(rd, 1, id);
    g_autofree char *prev = NULL;
    GPtrArray *updates = g_ptr_array_new_with_free_func(g_free);
    while (sqlite3_step(rd) == SQLITE_ROW) {
        gint64 row = sqlite3_column_int64(rd, 0);
        const char *f[6];
        for (int i = 0; i < 6; i++)
            f[i] = (const char *)sqlite3_column_text(rd, i + 1);
        const char *d = row == id ? detail : f[4];
        if (!prev)
            prev = g_strdup(f[5]);
        char *hash = store_audit_hash(prev, f[0], f[1], f[2], f[3], d);
        g_ptr_array_add(updates, g_strdup_printf("%" G_GINT64_FORMAT "\t%s\t%s\t%s", row, d ? d : "", prev, hash));
        g_free(prev);
        prev = hash;
    }
    sqlite3_finalize(rd);
    for (guint i = 0; i < updates->len; i++) {
        g_auto(GStrv) u = g_strsplit(g_ptr_array_index(updates, i), "\t", 4);
        sqlite3_bind_text(wr, 1, *u[1] ? u[1] : NULL, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(wr, 2, u[2], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(wr, 3, u[3], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(wr, 4, g_ascii_strtoll(u[0], NULL, 10));
        g_assert_cmpint(sqlite3_step(wr), ==, SQLITE_DONE);
        sqlite3_reset(wr);
    }
    sqlite3_finalize(wr);
    g_ptr_array_unref(updates);
    sqlite3_close(db);
}

char *tu_storage_spec(const char *engine, const char *name)
{
    if (strcmp(engine, "sqlite") == 0)
        return g_strdup_printf("%s/%s.db", tu_tmpdir(), name);
    g_autofree char *why = NULL;
    if (!tu_postgres(&why)) {
        g_test_skip(why);
        return NULL;
    }
    return tu_postgres_new_db(name);
}
