/* adms-server — a reference ADMS ("iclock") push server for the tests, written from the protocol as
 * real servers implement it (docs/adms.md), and tolerant the way they are:
 *   - a serial nobody approved gets HTTP 200 + "ERROR: Device not verified" everywhere (and is listed
 *     in DIR/seen, as BioTime lists a new device for approval); approving = adding it to DIR/approved;
 *   - the handshake answers "GET OPTION FROM: <sn>" and Key=Value lines in CRLF, the last without a
 *     newline — or, with --no-options, a bare "OK";
 *   - ATTLOG lines with seven TAB-separated fields are stored (appended to DIR/attlog, duplicates and
 *     all, like most open-source servers); shorter lines are dropped silently; the answer is "OK" or,
 *     with --ok-count, "OK: <n>";
 *   - DIR/fail holding a status (500, 503) fails every data request with it (503 says "FAIL: busy");
 *   - DIR/drop-next: the next ATTLOG batch is stored and then the connection is closed without a
 *     reply (a reply lost after the server stored the batch); the file is removed;
 *   - commands: the lines of DIR/commands (C:<id>:<command>) go out on the next getrequest, once;
 *     answers to /iclock/devicecmd are appended to DIR/devicecmd, OPERLOG lines to DIR/operlog.
 * Listens on 127.0.0.1 only; writes its port to DIR/port.
 *
 *   adms-server --dir DIR [--port N] [--no-options] [--ok-count] [--delay S] [--error-delay S] */
#include <arpa/inet.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <microhttpd.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define MAX_BODY (8u << 20)

static char *dir;
static gboolean no_options, ok_count;
static int delay_s = 1, error_delay_s = 1;

static char *path(const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static void append(const char *name, const char *text)
{
    g_autofree char *p = path(name);
    FILE *f = fopen(p, "a");
    if (!f)
        g_error("cannot write %s", p);
    fputs(text, f);
    fclose(f);
}

static gboolean listed(const char *name, const char *serial)
{
    g_autofree char *p = path(name), *text = NULL;
    if (!g_file_get_contents(p, &text, NULL, NULL))
        return FALSE;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++)
        if (strcmp(g_strstrip(*l), serial) == 0)
            return TRUE;
    return FALSE;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "text/plain");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static char *options(const char *sn)
{
    if (no_options)
        return g_strdup("OK");
    /* Odd key order, CRLF, no newline after the last line: as some servers write it. */
    return g_strdup_printf("GET OPTION FROM: %s\r\nErrorDelay=%d\r\nATTLOGStamp=None\r\nOPERLOGStamp=9999\r\n"
                           "ATTPHOTOStamp=None\r\nDelay=%d\r\nTransTimes=00:00;14:05\r\nTransInterval=1\r\n"
                           "TransFlag=TransData AttLog OpLog EnrollUser ChgUser\r\nRealtime=1\r\nEncrypt=None\r\n"
                           "TimeZone=+05:00",
                           sn, error_delay_s, delay_s);
}

/* Stores the lines with seven TAB-separated fields; returns how many. */
static int store_attlog(const char *body)
{
    g_auto(GStrv) lines = g_strsplit(body, "\n", -1);
    GString *kept = g_string_new(NULL);
    int n = 0;
    for (char **l = lines; *l; l++) {
        g_strchomp(*l);
        g_auto(GStrv) f = g_strsplit(*l, "\t", -1);
        if (g_strv_length(f) < 7)
            continue; /* dropped silently, as real servers do */
        g_string_append_printf(kept, "%s\n", *l);
        n++;
    }
    append("attlog", kept->str);
    g_string_free(kept, TRUE);
    return n;
}

static enum MHD_Result handle(struct MHD_Connection *c, const char *url, const char *method, const char *body)
{
    const char *sn = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "SN");
    if (!g_str_has_prefix(url, "/iclock/"))
        return reply(c, 404, "Not Found");
    if (!sn || !*sn)
        return reply(c, 400, "no SN");
    if (!listed("approved", sn)) {
        if (!listed("seen", sn)) {
            g_autofree char *line = g_strconcat(sn, "\n", NULL);
            append("seen", line);
        }
        return reply(c, 200, "ERROR: Device not verified");
    }
    g_autofree char *failp = path("fail"), *fail = NULL;
    if (g_file_get_contents(failp, &fail, NULL, NULL)) {
        unsigned status = (unsigned)atoi(fail);
        return reply(c, status ? status : 500, status == 503 ? "FAIL: busy" : "database error");
    }
    if (strcmp(url, "/iclock/cdata") == 0 && strcmp(method, "GET") == 0) {
        g_autofree char *o = options(sn);
        return reply(c, 200, o);
    }
    if (strcmp(url, "/iclock/cdata") == 0 && strcmp(method, "POST") == 0) {
        const char *table = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "table");
        int n = 0;
        if (g_strcmp0(table, "ATTLOG") == 0) {
            n = store_attlog(body);
            g_autofree char *drop = path("drop-next");
            if (g_unlink(drop) == 0)
                return MHD_NO; /* stored, and the reply is lost */
        } else if (g_strcmp0(table, "OPERLOG") == 0) {
            append("operlog", body);
            n = 1;
        }
        g_autofree char *ok = ok_count ? g_strdup_printf("OK: %d", n) : g_strdup("OK");
        return reply(c, 200, ok);
    }
    if (strcmp(url, "/iclock/getrequest") == 0) {
        const char *info = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "INFO");
        if (info) {
            g_autofree char *line = g_strconcat(info, "\n", NULL);
            append("info", line);
        }
        g_autofree char *cp = path("commands"), *commands = NULL;
        if (!g_file_get_contents(cp, &commands, NULL, NULL) || !*commands)
            return reply(c, 200, "OK");
        g_unlink(cp);
        append("commands.sent", commands);
        return reply(c, 200, commands);
    }
    if (strcmp(url, "/iclock/devicecmd") == 0 && strcmp(method, "POST") == 0) {
        g_autofree char *text = g_str_has_suffix(body, "\n") ? g_strdup(body) : g_strconcat(body, "\n", NULL);
        append("devicecmd", text);
        return reply(c, 200, "OK");
    }
    return reply(c, 404, "Not Found");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)cls;
    (void)version;
    GString *body = *state;
    if (!body) {
        *state = g_string_new(NULL);
        return MHD_YES;
    }
    if (*upload_size) {
        if (body->len + *upload_size > MAX_BODY)
            return reply(c, 413, "too big");
        g_string_append_len(body, upload, (gssize)*upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    return handle(c, url, method, body->str);
}

static void on_done(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)c;
    (void)code;
    if (*state)
        g_string_free(*state, TRUE);
    *state = NULL;
}

int main(int argc, char **argv)
{
    int port = 0;
    GOptionEntry entries[] = {
        {"dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "state folder", "DIR"},
        {"port", 0, 0, G_OPTION_ARG_INT, &port, "port on 127.0.0.1 (0: any)", "N"},
        {"no-options", 0, 0, G_OPTION_ARG_NONE, &no_options, "answer the handshake with a bare OK", NULL},
        {"ok-count", 0, 0, G_OPTION_ARG_NONE, &ok_count, "answer OK: <n>", NULL},
        {"delay", 0, 0, G_OPTION_ARG_INT, &delay_s, "Delay option (s)", "S"},
        {"error-delay", 0, 0, G_OPTION_ARG_INT, &error_delay_s, "ErrorDelay option (s)", "S"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- a reference ADMS server for tests");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error) || !dir) {
        g_printerr("adms-server: %s\n", error ? error->message : "--dir is required");
        return 2;
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                                            on_request, NULL, MHD_OPTION_SOCK_ADDR, &addr,
                                            MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
    if (!d) {
        g_printerr("adms-server: cannot listen on 127.0.0.1:%d\n", port);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    g_autofree char *pp = path("port"), *ptext = g_strdup_printf("%u\n", info->port);
    g_autofree char *tmp = g_strconcat(pp, ".tmp", NULL);
    if (!g_file_set_contents(tmp, ptext, -1, NULL) || g_rename(tmp, pp) != 0)
        return 1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
