/* test-json-bounded — JSON from outside is bounded before json-glib builds anything: 100,000 nested
 * brackets (which crashed json-glib 1.6 itself), a whole number beyond 64 bits, "\u0000" inside a
 * string, too many members, a string too long, a device file given as a file. Each refused with a
 * sentence naming what was wrong; the kiosk's readers of server replies and roster pages say so
 * and build nothing. */
#include <string.h>

#include "sync/json-bounded.h"
#include "sync/protocol.h"
#include "tests/helpers.h"

static char *nested(guint depth, char open)
{
    char close = open == '[' ? ']' : '}';
    GString *s = g_string_sized_new(depth * 2 + 8);
    for (guint i = 0; i < depth; i++)
        g_string_append(s, open == '[' ? "[" : "{\"a\":");
    g_string_append(s, "1");
    for (guint i = 0; i < depth; i++)
        g_string_append_c(s, close);
    return g_string_free(s, FALSE);
}

static char *refusal(const char *text, const JsonBounds *b, JsonBoundedError code)
{
    g_autoptr(JsonParser) p = json_parser_new();
    GError *error = NULL;
    g_assert_false(json_bounded_load(p, text, strlen(text), b, &error));
    g_assert_error(error, JSON_BOUNDED_ERROR, (gint)code);
    char *msg = g_strdup(error->message);
    g_error_free(error);
    return msg;
}

static void test_depth(void)
{
    /* What crashed the receiver and would crash a kiosk: refused by the pre-scan, no recursion. */
    g_autofree char *deep = nested(100000, '[');
    g_autofree char *msg = refusal(deep, &json_bounds_message, JSON_BOUNDED_TOO_DEEP);
    g_assert_nonnull(strstr(msg, "nested deeper than 16 levels"));
    g_autofree char *deep_objects = nested(100000, '{');
    g_free(refusal(deep_objects, &json_bounds_message, JSON_BOUNDED_TOO_DEEP));
    /* Up to the bound is fine and json-glib reads it. */
    g_autofree char *ok = nested(16, '[');
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_true(json_bounded_load(p, ok, strlen(ok), &json_bounds_message, NULL));
    g_autofree char *one_more = nested(17, '[');
    g_free(refusal(one_more, &json_bounds_message, JSON_BOUNDED_TOO_DEEP));
}

static void test_values_that_would_be_silently_wrong(void)
{
    g_autofree char *big = refusal("{\"events\": [{\"wall_utc_us\": 99999999999999999999}]}", &json_bounds_message,
                                   JSON_BOUNDED_BAD_NUMBER);
    g_assert_nonnull(strstr(big, "\"wall_utc_us\": 99999999999999999999 is not a whole number"));
    /* The largest 64-bit number is a number. */
    g_autoptr(JsonParser) p = json_parser_new();
    const char *max = "{\"wall_utc_us\": 9223372036854775807}";
    g_assert_true(json_bounded_load(p, max, strlen(max), &json_bounds_message, NULL));
    g_autofree char *inf = refusal("{\"score\": 1e999}", &json_bounds_message, JSON_BOUNDED_BAD_NUMBER);
    g_assert_nonnull(strstr(inf, "\"score\": 1e999 is not a finite number"));
    g_autofree char *nul = refusal("{\"case_number\": \"abc\\u0000DEF\"}", &json_bounds_message, JSON_BOUNDED_NUL);
    g_assert_nonnull(strstr(nul, "\"case_number\": a string holds a NUL character"));
    /* An escaped backslash before "u0000" is not a NUL. */
    const char *not_nul = "{\"a\": \"\\\\u0000\"}";
    g_assert_true(json_bounded_load(p, not_nul, strlen(not_nul), &json_bounds_message, NULL));
}

static void test_sizes(void)
{
    const JsonBounds tiny = {.max_bytes = 100, .max_depth = 4, .max_string = 8, .max_members = 3,
                             .max_values = 10, .max_number = 5};
    g_autofree char *s = refusal("{\"name\": \"123456789\"}", &tiny, JSON_BOUNDED_STRING_TOO_LONG);
    g_assert_nonnull(strstr(s, "\"name\": a string is longer than 8 bytes"));
    g_autofree char *m = refusal("[1, 2, 3, 4]", &tiny, JSON_BOUNDED_TOO_MANY);
    g_assert_nonnull(strstr(m, "an array has more than 3 members"));
    g_autofree char *v = refusal("[[1, 2, 3], [1, 2, 3], [1, 2]]", &tiny, JSON_BOUNDED_TOO_MANY);
    g_assert_nonnull(strstr(v, "more than 10 values"));
    g_autofree char *n = refusal("[123456]", &tiny, JSON_BOUNDED_BAD_NUMBER);
    g_assert_nonnull(strstr(n, "longer than 5 characters"));
    g_autofree char *long_text = g_strnfill(101, ' ');
    g_free(refusal(long_text, &tiny, JSON_BOUNDED_TOO_BIG));
    g_autofree char *unbalanced = refusal("]]]]", &json_bounds_message, JSON_BOUNDED_MALFORMED);
    g_assert_nonnull(strstr(unbalanced, "']' closes nothing that is open"));
    g_autofree char *open = refusal("{\"a\": [1, 2", &json_bounds_message, JSON_BOUNDED_MALFORMED);
    g_assert_nonnull(strstr(open, "the text ends inside an array"));
}

static void test_files(void)
{
    gsize len = 0;
    GError *error = NULL;
    g_assert_null(json_bounded_read_file("/dev/zero", &json_bounds_small, &len, &error));
    g_assert_nonnull(strstr(error->message, "/dev/zero is not a regular file"));
    g_clear_error(&error);
    g_autofree char *path = g_build_filename(tu_tmpdir(), "big.json", NULL);
    g_autofree char *big = g_strnfill(json_bounds_small.max_bytes + 1, ' ');
    g_assert_true(g_file_set_contents(path, big, -1, NULL));
    g_assert_null(json_bounded_read_file(path, &json_bounds_small, &len, &error));
    g_assert_nonnull(strstr(error->message, "is larger than 65536 bytes"));
    g_clear_error(&error);
    g_autofree char *deep = nested(50000, '[');
    g_assert_true(g_file_set_contents(path, deep, -1, NULL));
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_false(json_bounded_load_file(p, path, &json_bounds_roster_file, &error));
    g_assert_error(error, JSON_BOUNDED_ERROR, JSON_BOUNDED_TOO_DEEP);
    g_clear_error(&error);
}

/* The kiosk's view of what a server sends: a reply to a push, an error body, a roster page. A bad or
 * hijacked server gets a sentence, never a crash, and nothing is built. */
static void test_kiosk_readers(void)
{
    g_autofree char *deep = nested(100000, '[');
    GError *error = NULL;
    g_assert_null(protocol_parse_acks(deep, strlen(deep), &error));
    g_assert_nonnull(strstr(error->message, "nested deeper than 16 levels"));
    g_clear_error(&error);
    g_assert_null(protocol_parse_error(deep, strlen(deep)));
    g_assert_null(protocol_parse_roster(deep, strlen(deep), PROTOCOL_ROSTER_REPLY, &error));
    g_assert_nonnull(strstr(error->message, "nested deeper"));
    g_clear_error(&error);
    const char *page = "{\"office\": \"Multan\", \"cursor\": 1e999, \"more\": false, \"probationers\": []}";
    g_assert_null(protocol_parse_roster(page, strlen(page), PROTOCOL_ROSTER_REPLY, &error));
    g_assert_nonnull(strstr(error->message, "\"cursor\": 1e999 is not a finite number"));
    g_clear_error(&error);
    const char *nul = "{\"office\": \"Multan\", \"cursor\": 1, \"more\": false, \"probationers\": [{\"case_number\": "
                      "\"LHR\\u0000-1\", \"name_en\": \"A\", \"office\": \"Multan\", \"status\": \"active\"}]}";
    g_assert_null(protocol_parse_roster(nul, strlen(nul), PROTOCOL_ROSTER_REPLY, &error));
    g_assert_nonnull(strstr(error->message, "\"case_number\": a string holds a NUL character"));
    g_clear_error(&error);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-bounded/depth", test_depth);
    g_test_add_func("/json-bounded/values-that-would-be-silently-wrong", test_values_that_would_be_silently_wrong);
    g_test_add_func("/json-bounded/sizes", test_sizes);
    g_test_add_func("/json-bounded/files", test_files);
    g_test_add_func("/json-bounded/kiosk-readers", test_kiosk_readers);
    return g_test_run();
}
