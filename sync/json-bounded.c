/* json-bounded — a flat pre-scan in front of json-glib. See json-bounded.h. */
#include "sync/json-bounded.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const JsonBounds json_bounds_message = {.max_bytes = 32u << 20, .max_depth = 16, .max_string = 2u << 20,
                                        .max_members = 50000, .max_values = 1000000, .max_number = 40};
const JsonBounds json_bounds_roster_file = {.max_bytes = 512u << 20, .max_depth = 16, .max_string = 2u << 20,
                                            .max_members = 200000, .max_values = 20000000, .max_number = 40};
const JsonBounds json_bounds_small = {.max_bytes = 64u << 10, .max_depth = 8, .max_string = 4096,
                                      .max_members = 64, .max_values = 1024, .max_number = 40};

/* The scanner's own stack; deeper bounds are capped to it. */
#define STACK 64
#define NUMBER_MAX 63
#define KEY_SHOWN 48

typedef struct {
    char kind;        /* '{' or '[' */
    guint members;    /* commas seen: elements - 1 */
    gboolean want_key;
    char key[KEY_SHOWN + 1]; /* the last member name in this object, for the messages */
} Level;

typedef struct {
    const char *start, *p, *end;
    const JsonBounds *b;
    Level stack[STACK + 1];
    guint depth;
    guint values;
} Scan;

/* `"key": ` of the innermost object that has one, or "" — so a message names the member. */
static const char *member(const Scan *s, char *buf, gsize size)
{
    for (guint d = s->depth; d > 0; d--) {
        if (s->stack[d].kind == '{' && s->stack[d].key[0]) {
            g_snprintf(buf, size, "\"%s\": ", s->stack[d].key);
            return buf;
        }
    }
    return "";
}

static gboolean fail(Scan *s, JsonBoundedError code, GError **error, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static gboolean fail(Scan *s, JsonBoundedError code, GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char buf[KEY_SHOWN + 8];
    g_set_error(error, JSON_BOUNDED_ERROR, code, "%s%s (at byte %zu)", member(s, buf, sizeof buf), what,
                (gsize)(s->p - s->start));
    return FALSE;
}

static gboolean count_value(Scan *s, GError **error)
{
    if (++s->values > s->b->max_values)
        return fail(s, JSON_BOUNDED_TOO_MANY, error, "the JSON holds more than %u values", s->b->max_values);
    return TRUE;
}

static gboolean scan_string(Scan *s, GError **error)
{
    Level *top = &s->stack[s->depth];
    gboolean is_key = s->depth > 0 && top->kind == '{' && top->want_key;
    const char *q = s->p + 1;
    while (q < s->end && *q != '"') {
        if (*q == '\\') {
            if (q + 5 < s->end && memcmp(q, "\\u0000", 6) == 0)
                return fail(s, JSON_BOUNDED_NUL, error, "a string holds a NUL character (\\u0000)");
            q++;
        }
        q++;
    }
    if (q >= s->end)
        return fail(s, JSON_BOUNDED_MALFORMED, error, "a string is not closed");
    gsize n = (gsize)(q - s->p - 1);
    if (n > s->b->max_string)
        return fail(s, JSON_BOUNDED_STRING_TOO_LONG, error, "%s is longer than %zu bytes",
                    is_key ? "a member name" : "a string", s->b->max_string);
    if (is_key) {
        /* Shown in messages: printable ASCII only, cut short. */
        gsize k = 0;
        for (const char *c = s->p + 1; c < q && k < KEY_SHOWN; c++, k++)
            top->key[k] = (*c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\') ? *c : '?';
        top->key[k] = '\0';
        top->want_key = FALSE;
    }
    s->p = q + 1;
    return count_value(s, error);
}

static gboolean scan_number(Scan *s, GError **error)
{
    const char *q = s->p;
    while (q < s->end && strchr("+-.eE0123456789", *q) && *q)
        q++;
    gsize n = (gsize)(q - s->p);
    if (n > MIN(s->b->max_number, NUMBER_MAX))
        return fail(s, JSON_BOUNDED_BAD_NUMBER, error, "a number is longer than %u characters",
                    MIN(s->b->max_number, NUMBER_MAX));
    char text[NUMBER_MAX + 1];
    memcpy(text, s->p, n);
    text[n] = '\0';
    if (!strpbrk(text, ".eE")) {
        /* json-glib stores a whole number beyond 64 bits as a wrong one, silently. */
        gint64 v;
        g_autoptr(GError) why = NULL;
        if (!g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &v, &why))
            return fail(s, JSON_BOUNDED_BAD_NUMBER, error, "%s is not a whole number from %" G_GINT64_FORMAT
                        " to %" G_GINT64_FORMAT, text, G_MININT64, G_MAXINT64);
    } else {
        char *end = NULL;
        double d = g_ascii_strtod(text, &end);
        if (end != text + n || !isfinite(d))
            return fail(s, JSON_BOUNDED_BAD_NUMBER, error, "%s is not a finite number", text);
    }
    s->p = q;
    return count_value(s, error);
}

static gboolean open_level(Scan *s, char kind, GError **error)
{
    if (s->depth >= MIN(s->b->max_depth, STACK))
        return fail(s, JSON_BOUNDED_TOO_DEEP, error, "the JSON is nested deeper than %u levels",
                    MIN(s->b->max_depth, STACK));
    if (!count_value(s, error))
        return FALSE;
    s->depth++;
    s->stack[s->depth] = (Level){.kind = kind, .want_key = kind == '{'};
    s->p++;
    return TRUE;
}

static gboolean close_level(Scan *s, char c, GError **error)
{
    if (s->depth == 0 || s->stack[s->depth].kind != (c == '}' ? '{' : '['))
        return fail(s, JSON_BOUNDED_MALFORMED, error, "'%c' closes nothing that is open", c);
    s->depth--;
    s->p++;
    return TRUE;
}

static gboolean next_member(Scan *s, GError **error)
{
    Level *top = &s->stack[s->depth];
    if (s->depth == 0)
        return fail(s, JSON_BOUNDED_MALFORMED, error, "',' outside an array or object");
    if (top->members + 1 >= s->b->max_members)
        return fail(s, JSON_BOUNDED_TOO_MANY, error, "an %s has more than %u members",
                    top->kind == '{' ? "object" : "array", s->b->max_members);
    top->members++;
    top->want_key = top->kind == '{';
    s->p++;
    return TRUE;
}

gboolean json_bounded_check(const char *data, gsize len, const JsonBounds *b, GError **error)
{
    Scan s = {.start = data, .p = data, .end = data + len, .b = b};
    if (len > b->max_bytes)
        return fail(&s, JSON_BOUNDED_TOO_BIG, error, "the JSON is larger than %zu bytes", b->max_bytes);
    while (s.p < s.end) {
        char c = *s.p;
        gboolean ok = TRUE;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':')
            s.p++;
        else if (c == '{' || c == '[')
            ok = open_level(&s, c, error);
        else if (c == '}' || c == ']')
            ok = close_level(&s, c, error);
        else if (c == ',')
            ok = next_member(&s, error);
        else if (c == '"')
            ok = scan_string(&s, error);
        else if (c == '-' || g_ascii_isdigit(c))
            ok = scan_number(&s, error);
        else if (g_ascii_isalpha(c)) {
            while (s.p < s.end && g_ascii_isalpha(*s.p))
                s.p++;
            ok = count_value(&s, error);
        } else
            ok = fail(&s, JSON_BOUNDED_MALFORMED, error, "unexpected byte 0x%02x", (guint)(guchar)c);
        if (!ok)
            return FALSE;
    }
    if (s.depth)
        return fail(&s, JSON_BOUNDED_MALFORMED, error, "the text ends inside an %s",
                    s.stack[s.depth].kind == '{' ? "object" : "array");
    return TRUE;
}

gboolean json_bounded_load(JsonParser *parser, const char *data, gsize len, const JsonBounds *bounds,
                           GError **error)
{
    if (!data)
        data = "";
    return json_bounded_check(data, len, bounds, error) &&
           json_parser_load_from_data(parser, data, (gssize)len, error);
}

char *json_bounded_read_file(const char *path, const JsonBounds *b, gsize *len, GError **error)
{
    gboolean stdin_ = strcmp(path, "-") == 0;
    int fd = stdin_ ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, JSON_BOUNDED_ERROR, JSON_BOUNDED_FILE, "%s: %s", path, g_strerror(e));
        return NULL;
    }
    if (!stdin_ && !S_ISREG(st.st_mode)) {
        close(fd);
        g_set_error(error, JSON_BOUNDED_ERROR, JSON_BOUNDED_FILE, "%s is not a regular file", path);
        return NULL;
    }
    /* Blocking reads from here on (O_NONBLOCK only kept open() from hanging on a FIFO). */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    g_autoptr(GByteArray) buf = g_byte_array_new();
    guint8 chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            g_set_error(error, JSON_BOUNDED_ERROR, JSON_BOUNDED_FILE, "%s: %s", path, g_strerror(e));
            return NULL;
        }
        if (n == 0)
            break;
        if (buf->len + (gsize)n > b->max_bytes) {
            close(fd);
            g_set_error(error, JSON_BOUNDED_ERROR, JSON_BOUNDED_TOO_BIG, "%s is larger than %zu bytes", path,
                        b->max_bytes);
            return NULL;
        }
        g_byte_array_append(buf, chunk, (guint)n);
    }
    close(fd);
    *len = buf->len;
    g_byte_array_append(buf, (const guint8 *)"", 1);
    return (char *)g_byte_array_free(g_steal_pointer(&buf), FALSE);
}

gboolean json_bounded_load_file(JsonParser *parser, const char *path, const JsonBounds *bounds, GError **error)
{
    gsize len = 0;
    g_autofree char *text = json_bounded_read_file(path, bounds, &len, error);
    if (!text)
        return FALSE;
    if (!json_bounded_load(parser, text, len, bounds, error)) {
        g_prefix_error(error, "%s: ", path);
        return FALSE;
    }
    return TRUE;
}
