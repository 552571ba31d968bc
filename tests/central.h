/* central — the far end of sync for tests: the real receiver (build/haazri-receiver) on 127.0.0.1
 * with a CA and server certificate made here by openssl, and a throwaway PostgreSQL cluster. Every
 * receiver a test process starts seals with one key, $HAAZRI_RECEIVER_KEY, set (to a file in /tmp,
 * removed at exit) before main unless already set. */
#pragma once

#include <glib.h>

typedef struct {
    char *ca, *cert, *key; /* the CA the kiosk pins, and the server's certificate for 127.0.0.1 */
    char *wrong_ca;        /* another CA: a kiosk pinned to it must refuse the server */
} TuTls;
/* Made once per test process, in tu_tmpdir(). */
const TuTls *tu_tls(void);

typedef struct {
    GPid pid;
    int port;
    char *url;
    char *log;
} TuReceiver;
/* Starts `haazri-receiver serve` on `spec` (SQLite path or PostgreSQL conninfo) and waits until it
 * listens. port 0 = any free port. `fault_plan` may be NULL. */
TuReceiver *tu_receiver_start(const char *spec, int port, const char *fault_plan, gint64 clock_skew_s);
/* The same with more `serve` options (shell words, e.g. "--max-body-mb 2"), any free port. */
TuReceiver *tu_receiver_start_with(const char *spec, const char *extra_args);
/* kill -9 and reap. */
void tu_receiver_kill(TuReceiver *r);
/* How many lines of the receiver's log contain `text`. */
guint tu_receiver_log_count(TuReceiver *r, const char *text);
/* `haazri-receiver device add`: the provisioning token. */
char *tu_receiver_add_device(const char *spec, const char *device, const char *office);
/* Runs `haazri-receiver ARGS...` (NULL-terminated) and returns its stdout; asserts exit 0. */
char *tu_receiver_run(const char *spec, ...) G_GNUC_NULL_TERMINATED;
/* One SQL query against the receiver's storage (sqlite3 or psql), its output trimmed. */
char *tu_central_query(const char *spec, const char *sql);
/* What the centre holds about one person, read as an operator does (`haazri-receiver roster show`:
 * names and templates are sealed in the database): a member ("name_en", "name_ur", "cnic",
 * "office", "status") or, as "finger:right-index", that finger's template (base64); NULL if absent. */
char *tu_central_person(const char *spec, const char *case_number, const char *member);
/* A throwaway PostgreSQL cluster, started once per process (as `nobody` when run as root);
 * NULL with the reason in *why when that is impossible here. */
const char *tu_postgres(char **why);
/* pg_dump of a database on that cluster (what a backup of it holds), and the cluster's data folder. */
char *tu_postgres_dump(const char *conninfo);
const char *tu_postgres_data_dir(void);
/* A fresh database on that cluster: its conninfo. */
char *tu_postgres_new_db(const char *name);
/* The centre's storage for a test: an SQLite file (`engine` "sqlite") or a fresh PostgreSQL
 * database; NULL, with the test marked skipped, where PostgreSQL can't run here. */
char *tu_storage_spec(const char *engine, const char *name);
/* Edits the kiosk's audit row `id` behind the triggers' back and recomputes the chain from there, as
 * a careful tamperer would; sync forgets what it sent, so the whole trail goes again. */
void tu_rechain_audit(const char *kiosk_db, gint64 id, const char *detail);
