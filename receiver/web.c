/* web — the centre's day on one page (HTML and CSV). See web.h. Everything shown is escaped;
 * Urdu names are marked dir="rtl" lang="ur" so a phone's browser sets them right to left. */
#include <string.h>

#include "app/clock.h"
#include "app/schedule.h"
#include "receiver/web.h"

/* One sentence as a small HTML page (or plain text for the CSV). */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type, char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    /* Names of people on probation: never cached, never framed, nothing loaded from elsewhere. */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Basic realm=\"Haazri centre\", charset=\"UTF-8\"");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result refuse(struct MHD_Connection *c, unsigned status, const char *sentence)
{
    g_autofree char *esc = g_markup_escape_text(sentence, -1);
    return reply(c, status, "text/html; charset=utf-8",
                 g_strdup_printf("<!doctype html><meta charset=utf-8><title>Haazri</title><p>%s</p>\n", esc));
}

static gboolean authorised(struct MHD_Connection *c, RxDb *db)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || g_ascii_strncasecmp(h, "Basic ", 6) != 0 || strlen(h) > 1024)
        return FALSE;
    gsize len = 0;
    g_autofree guchar *raw = g_base64_decode(h + 6, &len);
    g_autofree char *text = g_strndup((const char *)raw, len);
    char *colon = strchr(text, ':');
    if (!colon)
        return FALSE;
    *colon = '\0';
    gboolean ok = rx_viewer_check(db, text, colon + 1);
    memset(colon + 1, 0, strlen(colon + 1));
    return ok;
}

gboolean rx_web_is_page(const char *url)
{
    return strcmp(url, "/") == 0 || strcmp(url, "/day") == 0 || strcmp(url, "/day.csv") == 0;
}

static const char *const status_words[] = {"missing", "late", "expected", "present", "came (not due)"};

static void html_name(GString *out, const RxDayPerson *p)
{
    g_autofree char *en = g_markup_escape_text(p->name_en ? p->name_en : "", -1);
    g_autofree char *cn = g_markup_escape_text(p->case_number ? p->case_number : "", -1);
    g_string_append_printf(out, "<td>%s<br><small>%s</small></td>", en, cn);
    if (p->name_ur) {
        g_autofree char *ur = g_markup_escape_text(p->name_ur, -1);
        g_string_append_printf(out, "<td class=ur dir=rtl lang=ur>%s</td>", ur);
    } else {
        g_string_append(out, "<td></td>");
    }
}

static const char *css =
    "body{font:16px/1.4 'Noto Sans',sans-serif;margin:0;background:#f4f5f7;color:#1d2330}"
    "header{background:#1f3b57;color:#fff;padding:.6em 1em}h1{font-size:1.2em;margin:0}"
    "form{margin:.4em 0 0}input,button{font:inherit;padding:.2em .4em}a{color:#fff}"
    "section{background:#fff;margin:.8em;padding:.6em .8em;border-radius:8px;box-shadow:0 1px 3px #0002}"
    "h2{font-size:1.1em;margin:.2em 0 .5em}.counts{display:flex;flex-wrap:wrap;gap:.4em;margin:0 0 .6em}"
    ".counts span{padding:.25em .6em;border-radius:1em;background:#e4e8ee}"
    ".missing{background:#f8d7d7!important}.late{background:#fde7c2!important}.present{background:#d6efd8!important}"
    "table{border-collapse:collapse;width:100%}td,th{padding:.3em .4em;border-top:1px solid #e3e6ea;text-align:left;"
    "vertical-align:top}th{font-size:.85em;color:#5a6270}.ur{font-family:'Noto Nastaliq Urdu','Noto Naskh Arabic',serif;"
    "text-align:right}.flag{background:#b3261e;color:#fff;border-radius:6px;padding:.1em .4em}"
    ".wrap{overflow-x:auto}small{color:#5a6270}";

static char *page_html(GPtrArray *offices, const char *date, const char *only)
{
    GString *o = g_string_new(NULL);
    g_autofree char *d = g_markup_escape_text(date, -1);
    g_autofree char *csv_q = g_uri_escape_string(only ? only : "", NULL, TRUE);
    g_string_append_printf(o, "<!doctype html><html lang=en><head><meta charset=utf-8>"
                              "<meta name=viewport content=\"width=device-width,initial-scale=1\">"
                              "<title>Haazri — %s</title><style>%s</style></head><body><header><h1>Attendance, %s</h1>"
                              "<form method=get action=/day><input type=date name=date value=\"%s\"> "
                              "<button>Show</button> <a href=\"/day.csv?date=%s%s%s\">CSV</a></form></header>",
                           d, css, d, d, d, only ? "&amp;office=" : "", only ? csv_q : "");
    guint shown = 0;
    for (guint i = 0; i < offices->len; i++) {
        const RxDayOffice *of = offices->pdata[i];
        if (only && g_strcmp0(only, of->office) != 0)
            continue;
        shown++;
        g_autofree char *name = g_markup_escape_text(of->office, -1);
        g_string_append_printf(o, "<section data-office=\"%s\"><h2>%s</h2><div class=counts>"
                                  "<span data-count=due>due %d</span><span class=present data-count=present>present %d</span>"
                                  "<span class=late data-count=late>late %d</span><span data-count=expected>expected %d</span>"
                                  "<span class=missing data-count=missing>missing %d</span>"
                                  "<span data-count=unscheduled>came, not due %d</span></div>",
                               name, name, of->due, of->present, of->late, of->expected, of->missing, of->unscheduled);
        for (guint f = 0; f < of->flags->len; f++) {
            const RxDayPerson *p = of->flags->pdata[f];
            g_autofree char *q = g_markup_escape_text(p->question, -1);
            g_autofree char *en = g_markup_escape_text(p->name_en ? p->name_en : "", -1);
            g_autofree char *cn = g_markup_escape_text(p->case_number ? p->case_number : "", -1);
            g_string_append_printf(o, "<p class=flagged><span class=flag>%s: yes</span> %s (%s) at %s</p>", q, en, cn,
                                   p->at ? p->at : "?");
        }
        g_string_append(o, "<div class=wrap><table><tr><th>status</th><th>name</th><th></th><th>came</th></tr>");
        for (guint r = 0; r < of->people->len; r++) {
            const RxDayPerson *p = of->people->pdata[r];
            g_string_append_printf(o, "<tr class=%s><td>%s</td>", rx_day_status_name(p->status),
                                   status_words[p->status]);
            html_name(o, p);
            g_string_append_printf(o, "<td>%s</td></tr>", p->at ? p->at : "");
        }
        g_string_append(o, "</table></div><div class=wrap><table><tr><th>kiosk</th><th>last contact</th>"
                           "<th>queue</th><th>scanner</th></tr>");
        for (guint k = 0; k < of->kiosks->len; k++) {
            const RxDayKiosk *ki = of->kiosks->pdata[k];
            g_autofree char *id = g_markup_escape_text(ki->id, -1);
            g_autofree char *sc = g_markup_escape_text(ki->scanner ? ki->scanner : "?", -1);
            g_autofree char *q = ki->queue >= 0 ? g_strdup_printf("%" G_GINT64_FORMAT, ki->queue) : g_strdup("?");
            g_string_append_printf(o, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", id,
                                   ki->last_seen ? ki->last_seen : "never", q, sc);
            if (ki->unwritable) {
                /* It answers, but records nothing: the one thing on this table someone must act on. */
                g_autofree char *why = g_markup_escape_text(ki->unwritable, -1);
                g_string_append_printf(o, "<tr class=missing data-kiosk-problem=\"%s\"><td colspan=4>"
                                          "<span class=flag>not saving check-ins</span> %s</td></tr>", id, why);
            }
            if (ki->match) {
                /* Its scanner as its enrolled fingers measure it; red when they can't be told apart. */
                g_autofree char *summary = rx_device_match_summary(ki->match);
                g_autofree char *numbers = g_markup_escape_text(summary, -1);
                g_autofree char *warning = g_markup_escape_text(ki->match->warning ? ki->match->warning : "", -1);
                g_string_append_printf(o, "<tr%s data-kiosk-scanner=\"%s\"><td colspan=4>%s%s%s %s</td></tr>",
                                       *warning ? " class=missing" : "", id,
                                       *warning ? "<span class=flag>scanner: " : "scanner check", warning,
                                       *warning ? "</span>" : ":", numbers);
            }
        }
        g_string_append(o, "</table></div></section>");
    }
    if (!shown)
        g_string_append(o, "<section><p>No office has people or kiosks at the centre yet.</p></section>");
    g_string_append(o, "</body></html>\n");
    return g_string_free(o, FALSE);
}

/* A CSV field, never read as a formula by a spreadsheet. */
static void csv(GString *o, const char *v, gboolean last)
{
    v = v ? v : "";
    gboolean formula = *v && strchr("=+-@", *v);
    g_string_append_c(o, '"');
    if (formula)
        g_string_append_c(o, '\'');
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            g_string_append_c(o, '"');
        g_string_append_c(o, *p);
    }
    g_string_append(o, last ? "\"\r\n" : "\",");
}

static char *page_csv(GPtrArray *offices, const char *date, const char *only)
{
    GString *o = g_string_new("\"date\",\"office\",\"status\",\"case_number\",\"name_en\",\"name_ur\",\"came\",\"attention\"\r\n");
    for (guint i = 0; i < offices->len; i++) {
        const RxDayOffice *of = offices->pdata[i];
        if (only && g_strcmp0(only, of->office) != 0)
            continue;
        for (guint r = 0; r < of->people->len; r++) {
            const RxDayPerson *p = of->people->pdata[r];
            g_autoptr(GString) flags = g_string_new(NULL);
            for (guint f = 0; f < of->flags->len; f++) {
                const RxDayPerson *fl = of->flags->pdata[f];
                if (g_strcmp0(fl->case_number, p->case_number) == 0)
                    g_string_append_printf(flags, "%s%s=yes", flags->len ? ";" : "", fl->question);
            }
            csv(o, date, FALSE);
            csv(o, of->office, FALSE);
            csv(o, rx_day_status_name(p->status), FALSE);
            csv(o, p->case_number, FALSE);
            csv(o, p->name_en, FALSE);
            csv(o, p->name_ur, FALSE);
            csv(o, p->at, FALSE);
            csv(o, flags->str, TRUE);
        }
    }
    return g_string_free(o, FALSE);
}

enum MHD_Result rx_web_serve(struct MHD_Connection *c, RxDb *db, const char *method, const char *url)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return refuse(c, 405, "This page is read-only.");
    if (!authorised(c, db))
        return refuse(c, MHD_HTTP_UNAUTHORIZED, "Sign in with a viewer account (haazri-receiver viewer add NAME).");
    g_autoptr(GDateTime) now = clock_now();
    const char *date_arg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "date");
    const char *office = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "office");
    g_autofree char *date = date_arg && *date_arg ? g_strdup(date_arg) : g_date_time_format(now, "%Y-%m-%d");
    GDate check;
    if (strlen(date) != 10 || !schedule_parse_date(date, &check))
        return refuse(c, 400, "The date must be YYYY-MM-DD.");
    if (office && (!*office || strlen(office) > 200))
        office = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) offices = rx_day_report(db, date, now, &error);
    if (!offices) {
        g_warning("the day page: %s", error->message);
        return refuse(c, 500, "The centre could not read the day; try again.");
    }
    if (g_str_has_suffix(url, ".csv"))
        return reply(c, 200, "text/csv; charset=utf-8", page_csv(offices, date, office));
    return reply(c, 200, "text/html; charset=utf-8", page_html(offices, date, office));
}
